package io.github.fastvision.models.hrnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.SegmentationModel;
import io.github.fastvision.models.StageInfo;
import io.github.fastvision.models.heads.EarlyExitHead;
import java.util.ArrayList;
import java.util.List;

/**
 * HRNetV2 for semantic segmentation: stem to 1/4 resolution, stage 1 (bottlenecks, one branch),
 * stages 2–4 adding a half-resolution branch each and fusing across branches, and the segmentation
 * head on all four branches upsampled and concatenated. The output is per-pixel class scores (N, K,
 * H/4, W/4); upsample them to the label size for the loss and for metrics.
 *
 * <p>Stage features ({@link #getStages()}) are the highest-resolution branch of each stage; the
 * anytime model ({@code models.anytime.AnytimeSegmenter}) runs the stages one by one with {@link
 * #forwardStage} and reads every branch. With {@code adaptive} the convolutions of stages 2–4 and
 * of the head follow confidence masks (ADP-C).
 *
 * <p>Children: {@code stem}, {@code stages_0} … {@code stages_3}, {@code seg_head}.
 */
public final class HRNetSeg extends SegmentationModel {

    private final HRNetVariant variant;
    private final int numClasses;
    private final HRStem stem;
    private final List<MultiBranchBlock> stageBlocks;
    private final EarlyExitHead segHead;

    private HRNetSeg(
            HRNetVariant variant,
            ModelOptions options,
            HRStem stem,
            List<MultiBranchBlock> stages,
            List<StageInfo> info,
            boolean adaptive) {
        super(variant.zooName(), options, info);
        this.variant = variant;
        this.numClasses = options.numClasses();
        this.stem = addChildBlock("stem", stem);
        for (int i = 0; i < stages.size(); i++) {
            addChildBlock("stages_" + i, stages.get(i));
        }
        this.stageBlocks = List.copyOf(stages);
        this.segHead =
                addChildBlock(
                        "seg_head",
                        new EarlyExitHead(variant.branchChannels(4), numClasses, adaptive));
    }

    /**
     * Builds the model.
     *
     * @param variant the width
     * @param options classes (e.g. 19 for Cityscapes, 11 for the Fashion-MNIST mosaics), input size
     *     and channels
     * @param adaptive whether stages 2–4 and the head follow confidence masks (ADP-C)
     * @return an uninitialized model
     */
    public static HRNetSeg create(HRNetVariant variant, ModelOptions options, boolean adaptive) {
        options.requireFamilyStem(variant.zooName());
        if (options.numClasses() < 1) {
            throw new IllegalArgumentException(
                    variant.zooName() + " needs at least 1 class but got " + options.numClasses());
        }
        HRStem stem = HRStem.stem(options.inChannels(), variant.stemWidth());
        List<MultiBranchBlock> stages = new ArrayList<>();
        List<StageInfo> info = new ArrayList<>();
        HRStem stage1 =
                HRStem.stage1(variant.stemWidth(), variant.stage1Planes(), variant.stage1Blocks());
        stages.add(stage1);
        info.add(new StageInfo(0, stage1.outChannels()[0], 4));
        int[] prev = stage1.outChannels();
        for (int s = 2; s <= 4; s++) {
            int[] ch = variant.branchChannels(s);
            stages.add(new HRStage(prev, ch, variant.modules(s), variant.blocks(), adaptive));
            info.add(new StageInfo(s - 1, ch[0], 4));
            prev = ch;
        }
        return new HRNetSeg(variant, options, stem, stages, info, adaptive);
    }

    /**
     * Returns the variant.
     *
     * @return the variant
     */
    public HRNetVariant variant() {
        return variant;
    }

    /**
     * Returns the number of classes of the segmentation head.
     *
     * @return K
     */
    @Override
    public int numClasses() {
        return numClasses;
    }

    /**
     * Returns the score map's stride: the head predicts at the stem's 1/4 resolution.
     *
     * @return 4
     */
    @Override
    public int outputStride() {
        return 4;
    }

    /**
     * Returns the number of stages (4).
     *
     * @return 4
     */
    public int numStages() {
        return stageBlocks.size();
    }

    /**
     * Returns the channels of every branch of a stage's output.
     *
     * @param stage 0–3
     * @return channels per branch
     */
    public int[] stageBranchChannels(int stage) {
        return stageBlocks.get(stage).outChannels();
    }

    /**
     * Runs the stem on images.
     *
     * @param ps the parameter store
     * @param x (N, C, H, W)
     * @param training whether this is a training pass
     * @param ctx the pass's context, or null
     * @return the 1/4-resolution map, as a one-branch list
     */
    public List<NDArray> forwardStem(
            ParameterStore ps, NDArray x, boolean training, AnytimeContext ctx) {
        checkInput(x);
        List<NDArray> in = new ArrayList<>(1);
        in.add(x);
        return stem.forward(ps, in, training, ctx);
    }

    /**
     * Runs one stage on the previous stage's branches.
     *
     * @param stage 0–3
     * @param ps the parameter store
     * @param branches the previous stage's output (the stem's for stage 0)
     * @param training whether this is a training pass
     * @param ctx the pass's context, or null
     * @return the stage's branches
     */
    public List<NDArray> forwardStage(
            int stage,
            ParameterStore ps,
            List<NDArray> branches,
            boolean training,
            AnytimeContext ctx) {
        return stageBlocks.get(stage).forward(ps, branches, training, ctx);
    }

    /**
     * Returns the stem block (for counting).
     *
     * @return the stem
     */
    public Block stem() {
        return stem;
    }

    /**
     * Returns the stage blocks (for counting), stage 1 first.
     *
     * @return the four stages
     */
    public List<Block> getStageBlocks() {
        return List.copyOf(stageBlocks);
    }

    /**
     * Returns the segmentation head (the final exit).
     *
     * @return the head
     */
    public EarlyExitHead segHead() {
        return segHead;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        List<NDArray> y =
                forwardStem(
                        ps, toMemoryFormat(inputs.singletonOrThrow(), training), training, null);
        for (int s = 0; s < stageBlocks.size(); s++) {
            y = forwardStage(s, ps, y, training, null);
        }
        return new NDList(segHead.forward(ps, y, training, null));
    }

    /**
     * Returns the highest-resolution branch of every stage (what {@link #getStages()} describes).
     *
     * @param ps the parameter store
     * @param x images (N, C, H, W)
     * @param training whether this is a training pass
     * @return one feature map per stage
     */
    @Override
    public NDList forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDList features = new NDList(stageBlocks.size());
        List<NDArray> y = forwardStem(ps, x, training, null);
        for (int s = 0; s < stageBlocks.size(); s++) {
            y = forwardStage(s, ps, y, training, null);
            features.add(y.get(0));
        }
        return features;
    }

    /** {@inheritDoc} */
    @Override
    public List<Shape> featureShapes(Shape input) {
        List<Shape> out = new ArrayList<>(stageBlocks.size());
        for (Shape[] s : stageBranchShapes(input)) {
            out.add(s[0]);
        }
        return out;
    }

    private Shape branch0(Shape input) {
        return stem.getOutputShapes(new Shape[] {input})[0];
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = branch0(inputs[0]);
        return new Shape[] {new Shape(s.get(0), numClasses, s.get(2), s.get(3))};
    }

    /**
     * Returns the branch shapes of every stage's output for an input shape (shapes only).
     *
     * @param input (N, C, H, W)
     * @return one array of branch shapes per stage
     */
    public List<Shape[]> stageBranchShapes(Shape input) {
        List<Shape[]> out = new ArrayList<>(stageBlocks.size());
        Shape[] s = stem.getOutputShapes(new Shape[] {input});
        for (MultiBranchBlock stage : stageBlocks) {
            s = stage.getOutputShapes(s);
            out.add(s);
        }
        return out;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape[] s = new Shape[] {ChildBlocks.init(stem, manager, dataType, inputs[0])};
        for (MultiBranchBlock stage : stageBlocks) {
            stage.initialize(manager, dataType, s);
            s = stage.getOutputShapes(s);
        }
        segHead.initialize(manager, dataType, s);
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input).then(stem);
        for (MultiBranchBlock stage : stageBlocks) {
            acc.then(stage);
        }
        return acc.then(segHead).done();
    }
}
