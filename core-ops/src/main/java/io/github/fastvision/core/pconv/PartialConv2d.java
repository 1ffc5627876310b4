package io.github.fastvision.core.pconv;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;

/**
 * Partial convolution, PConv (FasterNet §3.2, appendix E): a regular k×k convolution over the first
 * c_p = r·c channels only, the other channels pass through untouched. With r = 1/4 it costs 1/16 of
 * a full convolution's FLOPs and 1/4 of its memory access.
 *
 * <p>Two execution modes give identical outputs. {@link Mode#SPLIT_CAT} splits, convolves and
 * concatenates: it is autograd-safe and used for training. {@link Mode#SLICING} copies the input
 * once and writes the convolved channels back into the copy in place, with no concatenation: it is
 * the inference path and refuses to run while gradients are recorded. The convolution child is
 * named {@code partial_conv3} as in the official code.
 */
public class PartialConv2d extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;
    private static final String NAME = "PartialConv2d";

    /** How the partial convolution is executed. */
    public enum Mode {
        /** Split, convolve, concatenate: differentiable, for training. */
        SPLIT_CAT,
        /** Convolve a channel view and write it back in place: inference only. */
        SLICING
    }

    private final int channels;
    private final int partialChannels;
    private final int kernel;
    private final Conv2d conv;
    private Mode mode;

    PartialConv2d(Builder b) {
        super(VERSION);
        channels = Checks.required(NAME, "channels", b.channels);
        Checks.inHalfOpen("PartialConv2d ratio r", b.ratio, 0, 1);
        kernel = Checks.oddKernel("PartialConv2d kernel", b.kernel);
        if (b.stride != 1) {
            throw new IllegalArgumentException(
                    "PartialConv2d stride must be 1 (untouched channels keep their resolution) but"
                            + " was "
                            + b.stride);
        }
        double cp = channels * b.ratio;
        partialChannels = (int) Math.round(cp);
        if (partialChannels < 1 || Math.abs(cp - partialChannels) > 1e-9) {
            throw new IllegalArgumentException(
                    "PartialConv2d channels ("
                            + channels
                            + ") times ratio r ("
                            + b.ratio
                            + ") must be a whole number of at least 1 but is "
                            + cp);
        }
        mode = b.mode;
        conv =
                addChildBlock(
                        "partial_conv3",
                        Conv2d.builder()
                                .setKernelShape(new Shape(kernel, kernel))
                                .setFilters(partialChannels)
                                .optPadding(new Shape(kernel / 2, kernel / 2))
                                .optBias(false)
                                .build());
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
        Checks.nchw(NAME, x, channels);
        NDArray head = x.get(new NDIndex(":, :{}", partialChannels));
        if (mode == Mode.SLICING) {
            if (training || Autograd.isRecording()) {
                throw new IllegalStateException(
                        "PartialConv2d Mode.SLICING writes in place and cannot run while gradients"
                                + " are recorded (training="
                                + training
                                + ", autograd recording="
                                + Autograd.isRecording()
                                + "); use Mode.SPLIT_CAT for training, or call"
                                + " Autograd.disable() on inference threads");
            }
            // Copy so the caller's input stays intact for the residual connection.
            NDArray out = x.duplicate();
            out.set(
                    new NDIndex(":, :{}", partialChannels),
                    ChildBlocks.forward(conv, ps, head, false));
            return new NDList(out);
        }
        NDArray tail = x.get(new NDIndex(":, {}:", partialChannels));
        NDArray convolved = ChildBlocks.forward(conv, ps, head, training);
        return new NDList(NDArrays.concat(new NDList(convolved, tail), 1));
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
        Shape in = inputs[0];
        ChildBlocks.init(
                conv,
                manager,
                dataType,
                new Shape(in.get(0), partialChannels, in.get(2), in.get(3)));
    }

    /**
     * Switches the execution mode; both modes share the same weights.
     *
     * @param mode the new mode
     */
    public void setMode(Mode mode) {
        this.mode = mode;
    }

    /**
     * Returns the execution mode.
     *
     * @return the mode
     */
    public Mode getMode() {
        return mode;
    }

    /**
     * Returns the total channel count c.
     *
     * @return channels
     */
    public int getChannels() {
        return channels;
    }

    /**
     * Returns the convolved channel count c_p = r·c.
     *
     * @return partial channels
     */
    public int getPartialChannels() {
        return partialChannels;
    }

    /**
     * Returns the kernel size.
     *
     * @return kernel size
     */
    public int getKernel() {
        return kernel;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Checks.nchw(NAME, input, channels);
        Shape head = new Shape(input.get(0), partialChannels, input.get(2), input.get(3));
        return Cost.from(head).then(conv).done(input);
    }

    /** Builder for {@link PartialConv2d}. */
    public static final class Builder {
        private int channels;
        private double ratio = 0.25;
        private int kernel = 3;
        private int stride = 1;
        private Mode mode = Mode.SPLIT_CAT;

        Builder() {}

        /**
         * Sets the channel count c (required).
         *
         * @param c channels
         * @return this builder
         */
        public Builder setChannels(int c) {
            channels = c;
            return this;
        }

        /**
         * Sets the partial ratio r = c_p / c in (0, 1] (default 1/4).
         *
         * @param r ratio
         * @return this builder
         */
        public Builder optRatio(double r) {
            ratio = r;
            return this;
        }

        /**
         * Sets the odd kernel size (default 3).
         *
         * @param k kernel size
         * @return this builder
         */
        public Builder optKernel(int k) {
            kernel = k;
            return this;
        }

        /**
         * Sets the stride; PConv supports only 1 and the builder rejects anything else.
         *
         * @param s stride
         * @return this builder
         */
        public Builder optStride(int s) {
            stride = s;
            return this;
        }

        /**
         * Sets the execution mode (default {@link Mode#SPLIT_CAT}).
         *
         * @param m mode
         * @return this builder
         */
        public Builder optMode(Mode m) {
            mode = m;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public PartialConv2d build() {
            return new PartialConv2d(this);
        }
    }
}
