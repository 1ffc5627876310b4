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
 * Convolution (no bias) followed by batch normalization and an optional activation: the unit that
 * {@link BatchNormFolding} turns into a single biased convolution for inference (FasterNet §4, "BN
 * merged").
 *
 * <p>Children are named {@code conv} and {@code bn}. Folding keeps the trained parameters untouched
 * and stores the folded kernel beside them, so {@link #unfold()} restores training.
 */
public class ConvBn extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;
    private static final String NAME = "ConvBn";

    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final int groups;
    private final float epsilon;
    private final Act act;
    private final Conv2d conv;
    private final BatchNorm bn;

    private NDArray foldedWeight;
    private NDArray foldedBias;

    ConvBn(Builder b) {
        super(VERSION);
        inChannels = Checks.required(NAME, "inChannels", b.inChannels);
        outChannels = Checks.required(NAME, "outChannels", b.outChannels);
        kernel = Checks.atLeast("kernel", b.kernel, 1);
        stride = Checks.atLeast("stride", b.stride, 1);
        padding = b.padding >= 0 ? b.padding : (kernel - 1) / 2;
        groups = Checks.atLeast("groups", b.groups, 1);
        Checks.divisible("inChannels", inChannels, groups, "groups");
        Checks.divisible("outChannels", outChannels, groups, "groups");
        epsilon = b.epsilon;
        act = b.act;
        conv =
                addChildBlock(
                        "conv",
                        Conv2d.builder()
                                .setKernelShape(new Shape(kernel, kernel))
                                .setFilters(outChannels)
                                .optStride(new Shape(stride, stride))
                                .optPadding(new Shape(padding, padding))
                                .optGroups(groups)
                                .optBias(false)
                                .build());
        bn = addChildBlock("bn", BatchNorm.builder().optEpsilon(epsilon).build());
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.nchw(NAME, x, inChannels);
        NDArray y;
        if (isFolded()) {
            if (training) {
                throw new IllegalStateException(
                        "ConvBn was folded for inference; call unfold() before training");
            }
            y =
                    Conv2d.conv2d(
                                    x,
                                    foldedWeight,
                                    foldedBias,
                                    new Shape(stride, stride),
                                    new Shape(padding, padding),
                                    new Shape(1, 1),
                                    groups)
                            .singletonOrThrow();
        } else {
            y = ChildBlocks.forward(conv, ps, x, training);
            y = ChildBlocks.forward(bn, ps, y, training);
        }
        return new NDList(act.apply(y));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        Checks.nchw(NAME, in, inChannels);
        return new Shape[] {Checks.windowShape(in, outChannels, kernel, stride, padding)};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        ChildBlocks.init(
                bn, manager, dataType, ChildBlocks.init(conv, manager, dataType, inputs[0]));
    }

    /**
     * Folds the batch normalization into the convolution: W' = W·γ/√(σ²+ε), b' = β − μ·γ/√(σ²+ε).
     * Later forward passes run one biased convolution. Calling it again refreshes the folded kernel
     * from the current parameters.
     */
    public void fold() {
        boolean recording = Autograd.isRecording();
        Autograd.setRecording(false);
        try {
            unfold();
            NDArray w = conv.getParameters().get("weight").getArray();
            NDArray gamma = bn.getParameters().get("gamma").getArray();
            NDArray beta = bn.getParameters().get("beta").getArray();
            NDArray mean = bn.getParameters().get("runningMean").getArray();
            NDArray var = bn.getParameters().get("runningVar").getArray();
            try (NDManager scratch = w.getManager().newSubManager()) {
                NDArray scale = gamma.div(var.add(epsilon).sqrt());
                scale.attach(scratch);
                foldedWeight = w.mul(scale.reshape(outChannels, 1, 1, 1));
                foldedBias = beta.sub(mean.mul(scale));
                foldedWeight.attach(w.getManager());
                foldedBias.attach(w.getManager());
            }
        } finally {
            Autograd.setRecording(recording);
        }
    }

    /** Drops the folded kernel and returns to the conv → BN path. */
    public void unfold() {
        if (foldedWeight != null) {
            foldedWeight.close();
            foldedBias.close();
            foldedWeight = null;
            foldedBias = null;
        }
    }

    /**
     * Returns whether BN is folded into the convolution.
     *
     * @return true after {@link #fold()}
     */
    public boolean isFolded() {
        return foldedWeight != null;
    }

    /**
     * Returns the input channel count.
     *
     * @return input channels
     */
    public int getInChannels() {
        return inChannels;
    }

    /**
     * Returns the output channel count.
     *
     * @return output channels
     */
    public int getOutChannels() {
        return outChannels;
    }

    /**
     * Returns the square kernel size.
     *
     * @return kernel size
     */
    public int getKernel() {
        return kernel;
    }

    /**
     * Returns the stride.
     *
     * @return stride
     */
    public int getStride() {
        return stride;
    }

    /**
     * Returns the convolution groups.
     *
     * @return groups
     */
    public int getGroups() {
        return groups;
    }

    /**
     * Returns the activation applied after BN.
     *
     * @return the activation
     */
    public Act getAct() {
        return act;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return Cost.from(input).then(conv).then(bn).done();
    }

    /**
     * Returns the padding on each side (read by exporters that rebuild the block's math).
     *
     * @return the padding on each side
     */
    public int getPadding() {
        return padding;
    }

    /**
     * Returns the BN epsilon (read by exporters that rebuild the block's math).
     *
     * @return the BN epsilon
     */
    public float getEpsilon() {
        return epsilon;
    }

    /** Builder for {@link ConvBn}. */
    public static final class Builder {
        private int inChannels;
        private int outChannels;
        private int kernel = 1;
        private int stride = 1;
        private int padding = -1;
        private int groups = 1;
        private float epsilon = 1e-5f;
        private Act act = Act.NONE;

        Builder() {}

        /**
         * Sets the input channels (required).
         *
         * @param c input channels
         * @return this builder
         */
        public Builder setInChannels(int c) {
            inChannels = c;
            return this;
        }

        /**
         * Sets the output channels (required).
         *
         * @param c output channels
         * @return this builder
         */
        public Builder setOutChannels(int c) {
            outChannels = c;
            return this;
        }

        /**
         * Sets the square kernel size (default 1).
         *
         * @param k kernel size
         * @return this builder
         */
        public Builder optKernel(int k) {
            kernel = k;
            return this;
        }

        /**
         * Sets the stride (default 1).
         *
         * @param s stride
         * @return this builder
         */
        public Builder optStride(int s) {
            stride = s;
            return this;
        }

        /**
         * Sets the padding (default (kernel − 1) / 2).
         *
         * @param p padding on each side
         * @return this builder
         */
        public Builder optPadding(int p) {
            padding = p;
            return this;
        }

        /**
         * Sets the convolution groups (default 1; equal to the channels for depthwise).
         *
         * @param g groups
         * @return this builder
         */
        public Builder optGroups(int g) {
            groups = g;
            return this;
        }

        /**
         * Sets the BN epsilon (default 1e-5, PyTorch's).
         *
         * @param eps epsilon
         * @return this builder
         */
        public Builder optEpsilon(float eps) {
            epsilon = eps;
            return this;
        }

        /**
         * Sets the activation after BN (default none).
         *
         * @param a activation
         * @return this builder
         */
        public Builder optAct(Act a) {
            act = a;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public ConvBn build() {
            return new ConvBn(this);
        }
    }
}
