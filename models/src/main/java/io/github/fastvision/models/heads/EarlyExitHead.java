package io.github.fastvision.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.anytime.MaskedConv2d;
import io.github.fastvision.core.anytime.MaskedConvBn;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.layers.ChildBlocks;
import java.util.List;

/**
 * HRNet's segmentation head, used for the final exit and for the plain early exits (EE): 1×1 conv
 * (C → C) + BN + ReLU, then a 1×1 classifier conv with bias, on the concatenated branches.
 *
 * <p>Children: {@code conv}, {@code classifier}.
 */
public final class EarlyExitHead extends ExitHead {

    private final MaskedConvBn conv;
    private final MaskedConv2d classifier;

    /**
     * Creates the head.
     *
     * @param branchChannels channels per input branch
     * @param numClasses K
     * @param adaptive whether its convolutions follow the confidence mask
     */
    public EarlyExitHead(int[] branchChannels, int numClasses, boolean adaptive) {
        super(branchChannels, numClasses);
        int c = concatChannels();
        conv =
                addChildBlock(
                        "conv",
                        MaskedConvBn.builder()
                                .setInChannels(c)
                                .setOutChannels(c)
                                .setKernel(1)
                                .optRelu(true)
                                .optAdaptive(adaptive)
                                .build());
        classifier =
                addChildBlock(
                        "classifier",
                        MaskedConv2d.builder()
                                .setInChannels(c)
                                .setOutChannels(numClasses)
                                .setKernel(1)
                                .optAdaptive(adaptive)
                                .build());
    }

    /** {@inheritDoc} */
    @Override
    public NDArray forward(
            ParameterStore ps, List<NDArray> branches, boolean training, AnytimeContext ctx) {
        NDArray x = concat(branches);
        return classifier.forward(ps, conv.forward(ps, x, training, ctx), training, ctx);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Both convolutions are 1×1: the classifier reads the first convolution (through BN and
     * ReLU) at the same position only, so neither needs its skipped positions filled.
     */
    @Override
    public void outputIsCarriedOver() {
        conv.setFillSkipped(false);
        classifier.setFillSkipped(false);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s = concatShape(inputs[0]);
        ChildBlocks.init(
                classifier, manager, dataType, ChildBlocks.init(conv, manager, dataType, s));
    }

    /** {@inheritDoc} */
    @Override
    Cost costAt(Shape branch0) {
        return Cost.from(concatShape(branch0)).then(conv).then(classifier).done();
    }
}
