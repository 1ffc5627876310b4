package io.github.fastvision.core.fasternet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.DropPath;
import io.github.fastvision.core.layers.LayerScale;
import io.github.fastvision.core.pconv.PartialConv2d;

/**
 * FasterNet block (FasterNet §3.4, Fig. 4): PConv, then a pointwise MLP of 1×1 conv (c → e·c), BN,
 * activation, 1×1 conv (e·c → c), added to the input through drop path and an optional layer scale.
 * Norm and activation sit only after the middle layer, to keep latency low.
 *
 * <p>Children: {@code spatial_mixing} (PConv), {@code mlp_expand} (1×1 conv + BN + act), {@code
 * mlp_project} (1×1 conv), optional {@code layer_scale}.
 */
public class FasterNetBlock extends AbstractBlock implements Countable {

    /** PConv's default partial ratio r = 1/4 (fasternet §3.2). */
    public static final double DEFAULT_PARTIAL_RATIO = 0.25;

    /** The MLP's default expansion ratio e = 2 (fasternet §3.4, every variant). */
    public static final double DEFAULT_MLP_RATIO = 2.0;

    private static final byte VERSION = 1;
    private static final String NAME = "FasterNetBlock";

    private final int channels;
    private final int hidden;
    private final float dropPath;
    private final PartialConv2d spatialMixing;
    private final ConvBn mlpExpand;
    private final Conv2d mlpProject;
    private final LayerScale layerScale;

    FasterNetBlock(Builder b) {
        super(VERSION);
        channels = Checks.required(NAME, "channels", b.channels);
        Checks.inHalfOpen("FasterNetBlock mlpRatio", b.mlpRatio, 0, 64);
        if (!(b.dropPath >= 0f && b.dropPath < 1f)) {
            throw new IllegalArgumentException(
                    "FasterNetBlock dropPath must be in [0, 1) but was " + b.dropPath);
        }
        dropPath = b.dropPath;
        hidden = b.hiddenWidth > 0 ? b.hiddenWidth : (int) (channels * b.mlpRatio);
        spatialMixing =
                addChildBlock(
                        "spatial_mixing",
                        PartialConv2d.builder()
                                .setChannels(channels)
                                .optRatio(b.ratio)
                                .optKernel(b.kernel)
                                .optMode(b.mode)
                                .build());
        mlpExpand =
                addChildBlock(
                        "mlp_expand",
                        ConvBn.builder()
                                .setInChannels(channels)
                                .setOutChannels(hidden)
                                .optAct(b.act)
                                .build());
        mlpProject =
                addChildBlock(
                        "mlp_project",
                        Conv2d.builder()
                                .setKernelShape(new Shape(1, 1))
                                .setFilters(channels)
                                .optBias(false)
                                .build());
        layerScale =
                b.layerScale > 0
                        ? addChildBlock(
                                "layer_scale",
                                LayerScale.builder()
                                        .setChannels(channels)
                                        .optInitValue(b.layerScale)
                                        .build())
                        : null;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the PConv of this block, e.g. to switch its mode.
     *
     * @return the partial convolution
     */
    public PartialConv2d getPartialConv() {
        return spatialMixing;
    }

    /**
     * Returns the MLP's hidden width (mlpRatio × channels unless set otherwise).
     *
     * @return channels
     */
    public int getHiddenWidth() {
        return hidden;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.nchw(NAME, x, channels);
        NDArray y = ChildBlocks.forward(spatialMixing, ps, x, training);
        y = ChildBlocks.forward(mlpExpand, ps, y, training);
        y = ChildBlocks.forward(mlpProject, ps, y, training);
        if (layerScale != null) {
            y = ChildBlocks.forward(layerScale, ps, y, training);
        }
        return new NDList(x.add(DropPath.apply(y, dropPath, training)));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Checks.nchw(NAME, inputs[0], channels);
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s = ChildBlocks.init(spatialMixing, manager, dataType, inputs[0]);
        s = ChildBlocks.init(mlpExpand, manager, dataType, s);
        s = ChildBlocks.init(mlpProject, manager, dataType, s);
        if (layerScale != null) {
            ChildBlocks.init(layerScale, manager, dataType, s);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc =
                Cost.from(input).then(spatialMixing).then(mlpExpand).then(mlpProject);
        if (layerScale != null) {
            acc.then(layerScale);
        }
        return acc.done();
    }

    /** Builder for {@link FasterNetBlock}. */
    public static final class Builder {
        private int channels;
        private double ratio = DEFAULT_PARTIAL_RATIO;
        private int kernel = 3;
        private double mlpRatio = DEFAULT_MLP_RATIO;
        private int hiddenWidth;
        private Act act = Act.RELU;
        private float dropPath;
        private float layerScale;
        private PartialConv2d.Mode mode = PartialConv2d.Mode.SPLIT_CAT;

        Builder() {}

        /**
         * Sets the channel count (required).
         *
         * @param c channels
         * @return this builder
         */
        public Builder setChannels(int c) {
            channels = c;
            return this;
        }

        /**
         * Sets PConv's partial ratio (default 1/4).
         *
         * @param r ratio in (0, 1]
         * @return this builder
         */
        public Builder optPartialRatio(double r) {
            ratio = r;
            return this;
        }

        /**
         * Sets PConv's kernel (default 3).
         *
         * @param k odd kernel size
         * @return this builder
         */
        public Builder optKernel(int k) {
            kernel = k;
            return this;
        }

        /**
         * Sets the MLP expansion ratio (default 2).
         *
         * @param r expansion ratio
         * @return this builder
         */
        public Builder optMlpRatio(double r) {
            mlpRatio = r;
            return this;
        }

        /**
         * Sets the MLP's hidden width instead of mlpRatio × channels, as a pruned block has it.
         *
         * @param width hidden channels, >= 1
         * @return this builder
         */
        public Builder optHiddenWidth(int width) {
            hiddenWidth = Checks.atLeast("FasterNetBlock hiddenWidth", width, 1);
            return this;
        }

        /**
         * Sets the activation (FasterNet-T* use GELU, S/M/L ReLU; default ReLU).
         *
         * @param a activation
         * @return this builder
         */
        public Builder optAct(Act a) {
            act = a;
            return this;
        }

        /**
         * Sets the drop-path rate (default 0).
         *
         * @param rate rate in [0, 1)
         * @return this builder
         */
        public Builder optDropPath(float rate) {
            dropPath = rate;
            return this;
        }

        /**
         * Enables layer scale with this initial value (default 0: disabled).
         *
         * @param init initial scale, or 0 to disable
         * @return this builder
         */
        public Builder optLayerScale(float init) {
            layerScale = init;
            return this;
        }

        /**
         * Sets PConv's execution mode (default {@link PartialConv2d.Mode#SPLIT_CAT}).
         *
         * @param m mode
         * @return this builder
         */
        public Builder optMode(PartialConv2d.Mode m) {
            mode = m;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public FasterNetBlock build() {
            return new FasterNetBlock(this);
        }
    }
}
