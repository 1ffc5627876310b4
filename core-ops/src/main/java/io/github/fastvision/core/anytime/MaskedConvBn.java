package io.github.fastvision.core.anytime;

import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * {@link MaskedConv2d} (no bias) → BatchNorm → optional ReLU: the conv unit of HRNet and of the
 * ADP-C exits. Normalization and activation are element-wise and run on the filled map.
 *
 * <p>Children: {@code conv}, {@code bn}.
 */
public class MaskedConvBn extends AbstractBlock implements Countable, MaskAware {

    private static final byte VERSION = 1;

    private final MaskedConv2d conv;
    private final BatchNorm bn;
    private final boolean relu;

    private MaskedConvBn(Builder b) {
        super(VERSION);
        conv =
                addChildBlock(
                        "conv",
                        MaskedConv2d.builder()
                                .setInChannels(b.inChannels)
                                .setOutChannels(b.outChannels)
                                .setKernel(b.kernel)
                                .optStride(b.stride)
                                .optBias(false)
                                .optAdaptive(b.adaptive)
                                .build());
        bn = addChildBlock("bn", BatchNorm.builder().build());
        this.relu = b.relu;
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
     * Runs the unit under the context's mask.
     *
     * @param ps the parameter store
     * @param x input
     * @param training whether this is a training pass
     * @param ctx the pass's context, or null
     * @return the output
     */
    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training, AnytimeContext ctx) {
        NDArray y = Blocks.forward(bn, ps, conv.forward(ps, x, training, ctx), training);
        return relu ? Activation.relu(y) : y;
    }

    /**
     * Says whether the convolution fills skipped positions ({@link MaskedConv2d#setFillSkipped}).
     *
     * @param fill false to leave them unfilled
     */
    public void setFillSkipped(boolean fill) {
        conv.setFillSkipped(fill);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training, null));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return conv.getOutputShapes(inputs);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Blocks.init(bn, manager, dataType, Blocks.init(conv, manager, dataType, inputs[0]));
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost c = conv.cost(input);
        return new Cost(c.params() + 2L * conv.getOutChannels(), c.macs(), c.output());
    }

    /** Builder for {@link MaskedConvBn}. */
    public static final class Builder {
        private int inChannels;
        private int outChannels;
        private int kernel;
        private int stride = 1;
        private boolean relu;
        private boolean adaptive = true;

        Builder() {}

        /**
         * Sets the input channels (required, at least 1).
         *
         * @param c input channels
         * @return this builder
         */
        public Builder setInChannels(int c) {
            inChannels = c;
            return this;
        }

        /**
         * Sets the output channels (required, at least 1).
         *
         * @param c output channels
         * @return this builder
         */
        public Builder setOutChannels(int c) {
            outChannels = c;
            return this;
        }

        /**
         * Sets the square kernel side (required, odd and positive).
         *
         * @param k kernel side
         * @return this builder
         */
        public Builder setKernel(int k) {
            kernel = k;
            return this;
        }

        /**
         * Sets the stride (default 1).
         *
         * @param s the stride, at least 1
         * @return this builder
         */
        public Builder optStride(int s) {
            stride = s;
            return this;
        }

        /**
         * Says whether a ReLU follows BN (default false).
         *
         * @param enabled whether to add the ReLU
         * @return this builder
         */
        public Builder optRelu(boolean enabled) {
            relu = enabled;
            return this;
        }

        /**
         * Says whether the convolution follows masks (default true).
         *
         * @param enabled whether it is adaptive
         * @return this builder
         */
        public Builder optAdaptive(boolean enabled) {
            adaptive = enabled;
            return this;
        }

        /**
         * Builds the unit.
         *
         * @return the block
         * @throws IllegalArgumentException naming the first argument out of its range
         */
        public MaskedConvBn build() {
            return new MaskedConvBn(this);
        }
    }
}
