package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;

/**
 * Parameter-free max or average pooling with PyTorch's conventions: max pooling pads with −∞,
 * average pooling counts the zero padding (count_include_pad), floor output size. These are the
 * "eff-layers" of pflayer §3.2.
 */
public class Pool2d extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    /** Reduction over the window. */
    public enum Mode {
        /** Maximum. */
        MAX,
        /** Mean, zero padding counted. */
        AVG
    }

    private final Mode mode;
    private final int kernel;
    private final int stride;
    private final int padding;

    private Pool2d(Builder b) {
        super(VERSION);
        if (b.mode == null) {
            throw new IllegalArgumentException("Pool2d: mode is required (MAX or AVG)");
        }
        this.mode = b.mode;
        this.kernel = Checks.atLeast("kernel", b.kernel, 1);
        this.stride = Checks.atLeast("stride", b.stride == -1 ? kernel : b.stride, 1);
        int padding = b.padding;
        if (padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException(
                    "padding must be in [0, kernel/2] = [0, "
                            + kernel / 2
                            + "] but was "
                            + padding);
        }
        this.padding = padding;
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
     * Pools one array with the given settings.
     *
     * @param x NCHW input
     * @param mode max or average
     * @param kernel window size
     * @param stride stride
     * @param padding padding on each side
     * @return the pooled map
     */
    public static NDArray pool(NDArray x, Mode mode, int kernel, int stride, int padding) {
        // The separable maximum is the fast forward path; while autograd records, libtorch's
        // max_pool2d is used instead: its backward routes each gradient to one position (as
        // PyTorch does on ties) and measured 6.2x faster for forward + backward than the 2k
        // maximum ops of the separable path (64x64x28x28, 3x3, on this 2-core machine).
        if (mode == Mode.MAX
                && kernel % 2 == 1
                && kernel > 1
                && padding == kernel / 2
                && !Autograd.isRecording()) {
            return separableMax(x, kernel, stride);
        }
        Shape k = new Shape(kernel, kernel);
        Shape s = new Shape(stride, stride);
        Shape p = new Shape(padding, padding);
        return mode == Mode.MAX
                ? Pool.maxPool2d(x, k, s, p, false)
                : Pool.avgPool2d(x, k, s, p, false, true);
    }

    /**
     * Same-padded k×k max pooling as a running maximum over k shifted views along the width, then
     * along the height, then subsampled by the stride. The result is exactly max-pool's (−∞
     * padding, the same windows); on libtorch 2.7.1's CPU it is 3–9× faster than {@code max_pool2d}
     * for NCHW maps (5.9 → 0.67 ms at 64×56×56 on one thread), whose kernel is slower than the 3×3
     * convolution pflayer replaces with it.
     */
    private static NDArray separableMax(NDArray x, int kernel, int stride) {
        long h = x.getShape().get(2);
        long w = x.getShape().get(3);
        int pad = kernel / 2;
        NDArray padded = x.pad(new Shape(pad, pad, pad, pad), Float.NEGATIVE_INFINITY);
        NDArray rows = padded.get(new NDIndex(":, :, :, 0:{}", w));
        for (int t = 1; t < kernel; t++) {
            rows = NDArrays.maximum(rows, padded.get(new NDIndex(":, :, :, {}:{}", t, w + t)));
        }
        NDArray out = rows.get(new NDIndex(":, :, 0:{}, :", h));
        for (int t = 1; t < kernel; t++) {
            out = NDArrays.maximum(out, rows.get(new NDIndex(":, :, {}:{}, :", t, h + t)));
        }
        return stride == 1 ? out : out.get(new NDIndex(":, :, ::{}, ::{}", stride, stride));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().dimension() != 4) {
            throw new IllegalArgumentException(
                    "Pool2d expects input of shape (N, C, H, W) but got " + x.getShape());
        }
        return new NDList(pool(x, mode, kernel, stride, padding));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        return new Shape[] {Checks.windowShape(in, in.get(1), kernel, stride, padding)};
    }

    /**
     * Returns the pooling mode.
     *
     * @return the mode
     */
    public Mode getMode() {
        return mode;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return new Cost(0, 0, getOutputShapes(new Shape[] {input})[0]);
    }

    /**
     * Returns the square window size (read by exporters that rebuild the block's math).
     *
     * @return the square window size
     */
    public int getKernel() {
        return kernel;
    }

    /**
     * Returns the stride (read by exporters that rebuild the block's math).
     *
     * @return the stride
     */
    public int getStride() {
        return stride;
    }

    /**
     * Returns the padding on each side (read by exporters that rebuild the block's math).
     *
     * @return the padding on each side
     */
    public int getPadding() {
        return padding;
    }

    /** Builder for {@link Pool2d}. */
    public static final class Builder {
        private Mode mode;
        private int kernel;
        private int stride = -1;
        private int padding;

        Builder() {}

        /**
         * Sets the reduction (required).
         *
         * @param m max or average
         * @return this builder
         */
        public Builder setMode(Mode m) {
            mode = m;
            return this;
        }

        /**
         * Sets the window size (required, at least 1).
         *
         * @param k window size
         * @return this builder
         */
        public Builder setKernel(int k) {
            kernel = k;
            return this;
        }

        /**
         * Sets the stride (default the window size, PyTorch's).
         *
         * @param s the stride, at least 1
         * @return this builder
         */
        public Builder optStride(int s) {
            stride = s;
            return this;
        }

        /**
         * Sets the padding on each side (default 0).
         *
         * @param p padding in [0, kernel/2]
         * @return this builder
         */
        public Builder optPadding(int p) {
            padding = p;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         * @throws IllegalArgumentException naming the first argument out of its range
         */
        public Pool2d build() {
            return new Pool2d(this);
        }
    }
}
