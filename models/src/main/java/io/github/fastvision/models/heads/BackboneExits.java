package io.github.fastvision.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.models.StageInfo;
import io.github.fastvision.models.VisionModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Anytime dense prediction on any zoo backbone: one exit on each stage's feature map ({@link
 * VisionModel#forwardFeatures}), each a light encoder-decoder (the redesigned head with D = N − i
 * pool-conv and interpolate-conv steps, or HRNet's plain head for EE), whose scores are bilinearly
 * resized to the first stage's resolution. The backbone's classifier is not used.
 *
 * <p>Confidence adaptivity needs convolutions that follow masks, which only the HRNet base has
 * ({@code models.anytime.AnytimeSegmenter}); here every exit is computed densely.
 *
 * <p>Children: {@code backbone}, {@code exit_1} … {@code exit_N}.
 */
public final class BackboneExits extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final VisionModel backbone;
    private final List<ExitHead> exits = new ArrayList<>();

    /**
     * Attaches exits to a backbone.
     *
     * @param backbone a zoo model (uninitialized)
     * @param numClasses K
     * @param redesigned true for RH heads (last exit plain), false for plain heads everywhere
     * @param width the RH exits' fixed width
     */
    public BackboneExits(VisionModel backbone, int numClasses, boolean redesigned, int width) {
        super(VERSION);
        if (numClasses < 1) {
            throw new IllegalArgumentException("exits need at least 1 class but got " + numClasses);
        }
        this.backbone = addChildBlock("backbone", backbone);
        List<StageInfo> stages = backbone.getStages();
        int n = stages.size();
        for (int i = 1; i <= n; i++) {
            int[] ch = {stages.get(i - 1).channels()};
            ExitHead head =
                    redesigned && i < n
                            ? RedesignedExitHead.builder()
                                    .setBranchChannels(ch)
                                    .setNumClasses(numClasses)
                                    .setDepth(n - i)
                                    .setWidth(width)
                                    .build()
                            : new EarlyExitHead(ch, numClasses, false);
            exits.add(addChildBlock("exit_" + i, head));
        }
    }

    /**
     * Returns the number of exits (one per stage).
     *
     * @return N
     */
    public int numExits() {
        return exits.size();
    }

    /**
     * Returns exit i's head.
     *
     * @param i 1 … N
     * @return the head
     */
    public ExitHead exit(int i) {
        return exits.get(i - 1);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList features = backbone.forwardFeatures(ps, inputs.singletonOrThrow(), training);
        Shape s0 = features.get(0).getShape();
        NDList out = new NDList(exits.size());
        for (int i = 0; i < exits.size(); i++) {
            List<NDArray> branch = new ArrayList<>(1);
            branch.add(features.get(i));
            NDArray logits = exits.get(i).forward(ps, branch, training, null);
            out.add(ExitHead.resize(logits, s0.get(2), s0.get(3)));
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        List<Shape> f = backbone.featureShapes(inputs[0]);
        Shape s0 = f.get(0);
        Shape[] out = new Shape[exits.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Shape(s0.get(0), exits.get(i).numClasses(), s0.get(2), s0.get(3));
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        ChildBlocks.init(backbone, manager, dataType, inputs[0]);
        List<Shape> f = backbone.featureShapes(inputs[0]);
        for (int i = 0; i < exits.size(); i++) {
            exits.get(i).initialize(manager, dataType, f.get(i));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input);
        Cost head =
                Cost.of(
                        backbone.getHead(),
                        backbone.featureShapes(input).get(backbone.getStages().size() - 1));
        Cost all = backbone.cost(input);
        acc.params(all.params() - head.params()).macs(all.macs() - head.macs());
        List<Shape> f = backbone.featureShapes(input);
        for (int i = 0; i < exits.size(); i++) {
            acc.branch(exits.get(i), f.get(i));
        }
        return acc.done(getOutputShapes(new Shape[] {input})[0]);
    }
}
