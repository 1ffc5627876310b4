package io.github.fastvision.core.convnext;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.core.layers.DropPath;
import io.github.fastvision.core.layers.LastAxisLayerNorm;
import io.github.fastvision.core.layers.LayerScale;

/**
 * ConvNeXt block (thesis ch. 4 §4.3, Fig. 4.4): 7×7 depthwise conv, LayerNorm over channels,
 * pointwise 4× expansion, GELU, pointwise projection, layer scale (init 1e-6), drop path, residual.
 * The pointwise layers run as linear layers on the NHWC permutation, as in the official code.
 * Children: {@code dwconv}, {@code norm}, {@code pwconv1}, {@code pwconv2}, optional {@code gamma}.
 */
public class ConvNeXtBlock extends AbstractBlock implements Countable {

    /** The MLP's default expansion, 4 (hidden width 4 × dim, as in every ConvNeXt). */
    public static final int DEFAULT_EXPANSION = 4;

    private static final byte VERSION = 1;
    private static final String NAME = "ConvNeXtBlock";

    private final int dim;
    private final int hidden;
    private final float dropPath;
    private final Conv2d dwconv;
    private final LastAxisLayerNorm norm;
    private final Linear pwconv1;
    private final Linear pwconv2;
    private final LayerScale gamma;

    ConvNeXtBlock(Builder b) {
        super(VERSION);
        dim = Checks.required(NAME, "dim", b.dim);
        Checks.oddKernel("ConvNeXtBlock kernel", b.kernel);
        if (!(b.dropPath >= 0f && b.dropPath < 1f)) {
            throw new IllegalArgumentException(
                    "ConvNeXtBlock dropPath must be in [0, 1) but was " + b.dropPath);
        }
        dropPath = b.dropPath;
        hidden = b.hiddenWidth > 0 ? b.hiddenWidth : b.expansion * dim;
        dwconv =
                addChildBlock(
                        "dwconv",
                        Conv2d.builder()
                                .setKernelShape(new Shape(b.kernel, b.kernel))
                                .setFilters(dim)
                                .optGroups(dim)
                                .optPadding(new Shape(b.kernel / 2, b.kernel / 2))
                                .build());
        norm = addChildBlock("norm", new LastAxisLayerNorm(dim, 1e-6f));
        pwconv1 = addChildBlock("pwconv1", Linear.builder().setUnits(hidden).build());
        pwconv2 = addChildBlock("pwconv2", Linear.builder().setUnits(dim).build());
        gamma =
                b.layerScale > 0
                        ? addChildBlock(
                                "gamma",
                                LayerScale.builder()
                                        .setChannels(dim)
                                        .optInitValue(b.layerScale)
                                        .optChannelsFirst(false)
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
     * Returns the MLP's hidden width (expansion × dim unless set otherwise).
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
        Checks.nchw(NAME, x, dim);
        NDArray y = ChildBlocks.forward(dwconv, ps, x, training).transpose(0, 2, 3, 1);
        y = ChildBlocks.forward(norm, ps, y, training);
        y = Act.GELU.apply(ChildBlocks.forward(pwconv1, ps, y, training));
        y = ChildBlocks.forward(pwconv2, ps, y, training);
        if (gamma != null) {
            y = ChildBlocks.forward(gamma, ps, y, training);
        }
        y = y.transpose(0, 3, 1, 2);
        return new NDList(x.add(DropPath.apply(y, dropPath, training)));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Checks.nchw(NAME, inputs[0], dim);
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape in = inputs[0];
        dwconv.initialize(manager, dataType, in);
        Shape nhwc = new Shape(in.get(0), in.get(2), in.get(3), dim);
        ChildBlocks.init(norm, manager, dataType, nhwc);
        Shape hidden = ChildBlocks.init(pwconv1, manager, dataType, nhwc);
        ChildBlocks.init(pwconv2, manager, dataType, hidden);
        if (gamma != null) {
            ChildBlocks.init(gamma, manager, dataType, nhwc);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Shape nhwc = new Shape(input.get(0), input.get(2), input.get(3), dim);
        Cost.Accumulator acc =
                Cost.from(input).then(dwconv).shape(nhwc).then(norm).then(pwconv1).then(pwconv2);
        if (gamma != null) {
            acc.then(gamma);
        }
        return acc.done(input);
    }

    /** Builder for {@link ConvNeXtBlock}. */
    public static final class Builder {
        private int dim;
        private int kernel = 7;
        private int expansion = DEFAULT_EXPANSION;
        private int hiddenWidth;
        private float dropPath;
        private float layerScale = 1e-6f;

        Builder() {}

        /**
         * Sets the channel count (required).
         *
         * @param d channels
         * @return this builder
         */
        public Builder setDim(int d) {
            dim = d;
            return this;
        }

        /**
         * Sets the depthwise kernel (default 7).
         *
         * @param k odd kernel size
         * @return this builder
         */
        public Builder optKernel(int k) {
            kernel = k;
            return this;
        }

        /**
         * Sets the MLP expansion (default 4).
         *
         * @param e expansion
         * @return this builder
         */
        public Builder optExpansion(int e) {
            expansion = Checks.atLeast("expansion", e, 1);
            return this;
        }

        /**
         * Sets the MLP's hidden width instead of expansion × dim, as a pruned block has it.
         *
         * @param width hidden channels, >= 1
         * @return this builder
         */
        public Builder optHiddenWidth(int width) {
            hiddenWidth = Checks.atLeast("ConvNeXtBlock hiddenWidth", width, 1);
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
         * Sets the layer-scale initial value (default 1e-6; 0 disables it).
         *
         * @param init initial value
         * @return this builder
         */
        public Builder optLayerScale(float init) {
            layerScale = init;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public ConvNeXtBlock build() {
            return new ConvNeXtBlock(this);
        }
    }
}
