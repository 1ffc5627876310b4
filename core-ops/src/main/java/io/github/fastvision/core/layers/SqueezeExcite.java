package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;

/**
 * Squeeze-and-excitation (Hu et al. 2018): global average pool, 1×1 reduce, activation, 1×1 expand,
 * gate, channel-wise rescale. ReXNet's variant (rexnet appendix B) has a BN after the reduction;
 * enable it with {@link Builder#optNorm(boolean)}. Children: {@code fc1}, optional {@code bn},
 * {@code fc2}.
 */
public class SqueezeExcite extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;
    private static final String NAME = "SqueezeExcite";

    private final int channels;
    private final int reduced;
    private final Act innerAct;
    private final Act gate;
    private final Conv2d fc1;
    private final BatchNorm bn;
    private final Conv2d fc2;

    SqueezeExcite(Builder b) {
        super(VERSION);
        channels = Checks.required(NAME, "channels", b.channels);
        int r = b.reduced > 0 ? b.reduced : (int) Math.floor(channels * b.ratio + 1e-9);
        reduced = Math.max(1, r);
        innerAct = b.innerAct;
        gate = b.gate;
        fc1 = addChildBlock("fc1", conv1x1(reduced));
        bn = b.norm ? addChildBlock("bn", BatchNorm.builder().build()) : null;
        fc2 = addChildBlock("fc2", conv1x1(channels));
    }

    private static Conv2d conv1x1(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(filters).build();
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
     * Returns the width of the bottleneck between fc1 and fc2.
     *
     * @return reduced channels
     */
    public int getReducedChannels() {
        return reduced;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.nchw(NAME, x, channels);
        NDArray s = x.mean(new int[] {3}, true).mean(new int[] {2}, true);
        s = ChildBlocks.forward(fc1, ps, s, training);
        if (bn != null) {
            s = ChildBlocks.forward(bn, ps, s, training);
        }
        s = innerAct.apply(s);
        s = gate.apply(ChildBlocks.forward(fc2, ps, s, training));
        return new NDList(x.mul(s));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape pooled = new Shape(inputs[0].get(0), channels, 1, 1);
        Shape mid = ChildBlocks.init(fc1, manager, dataType, pooled);
        if (bn != null) {
            ChildBlocks.init(bn, manager, dataType, mid);
        }
        ChildBlocks.init(fc2, manager, dataType, mid);
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Shape pooled = new Shape(input.get(0), channels, 1, 1);
        Cost.Accumulator acc = Cost.from(pooled).then(fc1);
        if (bn != null) {
            acc.then(bn);
        }
        return acc.then(fc2).done(input);
    }

    /**
     * Returns the activation after the reduction (read by exporters that rebuild the block's math).
     *
     * @return the activation after the reduction
     */
    public Act getInnerAct() {
        return innerAct;
    }

    /**
     * Returns the gate activation (read by exporters that rebuild the block's math).
     *
     * @return the gate activation
     */
    public Act getGate() {
        return gate;
    }

    /** Builder for {@link SqueezeExcite}. */
    public static final class Builder {
        private int channels;
        private int reduced;
        private double ratio = 0.25;
        private boolean norm;
        private Act innerAct = Act.RELU;
        private Act gate = Act.SIGMOID;

        Builder() {}

        /**
         * Sets the input and output channels (required).
         *
         * @param c channels
         * @return this builder
         */
        public Builder setChannels(int c) {
            channels = c;
            return this;
        }

        /**
         * Sets the reduction ratio, reduced = floor(channels × ratio) (default 1/4).
         *
         * @param r ratio in (0, 1]
         * @return this builder
         */
        public Builder optRatio(double r) {
            ratio = Checks.inHalfOpen("SE ratio", r, 0, 1);
            return this;
        }

        /**
         * Sets the reduced width directly (overrides the ratio).
         *
         * @param c reduced channels
         * @return this builder
         */
        public Builder optReducedChannels(int c) {
            reduced = Checks.atLeast("reducedChannels", c, 1);
            return this;
        }

        /**
         * Adds BN after the reduction (ReXNet).
         *
         * @param enabled whether to add BN
         * @return this builder
         */
        public Builder optNorm(boolean enabled) {
            norm = enabled;
            return this;
        }

        /**
         * Sets the activation between the two 1×1 convolutions (default ReLU).
         *
         * @param a activation
         * @return this builder
         */
        public Builder optInnerAct(Act a) {
            innerAct = a;
            return this;
        }

        /**
         * Sets the gate (default sigmoid).
         *
         * @param a gate
         * @return this builder
         */
        public Builder optGate(Act a) {
            gate = a;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public SqueezeExcite build() {
            return new SqueezeExcite(this);
        }
    }
}
