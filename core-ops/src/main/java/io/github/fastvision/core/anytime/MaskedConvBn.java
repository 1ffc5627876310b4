package io.github.fastvision.core.anytime;

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
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.ChildBlocks;

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
        conv = addChildBlock("conv", b.conv(false));
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
        NDArray y = ChildBlocks.forward(bn, ps, conv.forward(ps, x, training, ctx), training);
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
        ChildBlocks.init(
                bn, manager, dataType, ChildBlocks.init(conv, manager, dataType, inputs[0]));
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost c = conv.cost(input);
        return new Cost(c.params() + 2L * conv.getOutChannels(), c.macs(), c.output());
    }

    /** Builder for {@link MaskedConvBn}: the convolution's settings (without bias) and the ReLU. */
    public static final class Builder extends MaskedConv2d.BaseBuilder<Builder> {
        private boolean relu;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
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
