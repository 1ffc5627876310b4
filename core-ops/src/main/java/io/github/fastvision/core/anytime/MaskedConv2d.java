package io.github.fastvision.core.anytime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;

/**
 * A convolution with confidence adaptivity (thesis Eqs. 2.3–2.6): under a mask it computes only the
 * positions still to be computed and fills the skipped ones by RBF interpolation with its own
 * trainable λ. Without a mask it is a plain convolution. Training runs the dense convolution and
 * multiplies by the mask; inference with a sparse {@link AnytimeContext} runs {@link SparseConv},
 * which gives the same values at a cost proportional to the active positions.
 *
 * <p>Children: {@code conv} (weight, optional bias); parameter {@code rbf_lambda}.
 */
public class MaskedConv2d extends AbstractBlock implements Countable, MaskAware {

    /** λ's initial value (an assumption: the thesis does not print it). */
    public static final float LAMBDA_INIT = 1.0f;

    private static final byte VERSION = 1;
    private static final String NAME = "MaskedConv2d";

    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final boolean bias;
    private final Conv2d conv;
    private final Parameter lambda;
    private boolean fillSkipped = true;
    private RbfFilter filter;
    private NDManager filterManager;
    private float filterLambda;
    private int filterRadius;

    private MaskedConv2d(BaseBuilder<?> b, boolean bias) {
        super(VERSION);
        this.inChannels = Checks.atLeast("inChannels", b.inChannels, 1);
        this.outChannels = Checks.atLeast("outChannels", b.outChannels, 1);
        this.kernel = Checks.oddKernel("kernel", b.kernel);
        this.stride = Checks.atLeast("stride", b.stride, 1);
        this.padding = (kernel - 1) / 2;
        this.bias = bias;
        conv =
                addChildBlock(
                        "conv",
                        Conv2d.builder()
                                .setKernelShape(new Shape(kernel, kernel))
                                .setFilters(outChannels)
                                .optStride(new Shape(stride, stride))
                                .optPadding(new Shape(padding, padding))
                                .optBias(bias)
                                .build());
        lambda =
                !b.adaptive
                        ? null
                        : addParameter(
                                Parameter.builder()
                                        .setName("rbf_lambda")
                                        .setType(Parameter.Type.OTHER)
                                        .optShape(new Shape(1))
                                        .optInitializer(new ConstantInitializer(LAMBDA_INIT))
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

    /**
     * Runs the convolution under the context's mask (if any) and counts its multiply-adds.
     *
     * @param ps the parameter store
     * @param x (N, C, H, W)
     * @param training whether this is a training pass
     * @param ctx the pass's context, or null for a plain uncounted convolution
     * @return (N, Cout, Ho, Wo)
     */
    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training, AnytimeContext ctx) {
        Checks.nchw(NAME, x, inChannels);
        Shape xs = x.getShape();
        Shape out = Checks.windowShape(xs, outChannels, kernel, stride, padding);
        long ho = out.get(2);
        long wo = out.get(3);
        long perPosition = (long) kernel * kernel * inChannels * outChannels;
        SpatialMask mask = ctx == null || lambda == null ? null : ctx.mask();
        if (mask == null) {
            if (ctx != null) {
                ctx.addMacs(perPosition * xs.get(0) * ho * wo);
            }
            return ChildBlocks.forward(conv, ps, x, training);
        }
        SpatialMask.Level level = mask.at(ho, wo);
        NDArray y;
        boolean inference = !training && !Autograd.isRecording();
        if (inference && ctx.sparse() && level.density() <= ctx.maxSparseDensity()) {
            NDArray w = ps.getValue(conv.getParameters().get("weight"), x.getDevice(), false);
            NDArray b =
                    bias
                            ? ps.getValue(conv.getParameters().get("bias"), x.getDevice(), false)
                            : null;
            y = SparseConv.conv2d(x, w, b, stride, padding, level);
        } else if (!fillSkipped) {
            // Skipped positions are never read: leave the dense values there (no mask product).
            y = ChildBlocks.forward(conv, ps, x, training);
        } else {
            NDArray dense = ChildBlocks.forward(conv, ps, x, training);
            y = dense.mul(level.compute());
            // Give the memory back to the allocator while it is hot (a training graph keeps its
            // own reference).
            dense.close();
        }
        ctx.addMacs(perPosition * level.activeCount());
        long skipped = level.skippedCount();
        if (fillSkipped && skipped > 0 && level.activeCount() > 0) {
            NDArray l = ps.getValue(lambda, x.getDevice(), training);
            if (inference) {
                RbfFilter f = inferenceFilter(l, ctx.radius());
                NDArray skipOverDenominator = level.skip().mul(f.inverseDenominator(ho, wo));
                NDArray filled = RbfInterpolation.fill(y, f, skipOverDenominator);
                skipOverDenominator.close();
                y.close();
                y = filled;
            } else {
                y = RbfInterpolation.fill(y, level.compute(), l, ctx.radius());
            }
            ctx.addMacs(RbfInterpolation.macs(outChannels, skipped, ctx.radius()));
        }
        return y;
    }

    /**
     * The inference filter for λ's current value, rebuilt when λ changes (after training steps).
     */
    private RbfFilter inferenceFilter(NDArray lambdaValue, int radius) {
        float value = lambdaValue.getFloat();
        if (filter == null || filterLambda != value || filterRadius != radius) {
            if (filterManager != null) {
                filterManager.close();
            }
            filterManager = lambdaValue.getManager().newSubManager();
            NDArray l = lambdaValue.duplicate();
            l.attach(filterManager);
            filter = new RbfFilter(l, radius, filterManager);
            filterLambda = value;
            filterRadius = radius;
        }
        return filter;
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
        Shape in = inputs[0];
        Checks.nchw(NAME, in, inChannels);
        return new Shape[] {Checks.windowShape(in, outChannels, kernel, stride, padding)};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        ChildBlocks.init(conv, manager, dataType, inputs[0]);
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Shape out = getOutputShapes(new Shape[] {input})[0];
        long params =
                (long) kernel * kernel * inChannels * outChannels
                        + (bias ? outChannels : 0)
                        + (lambda == null ? 0 : 1);
        long macs =
                (long) kernel
                        * kernel
                        * inChannels
                        * outChannels
                        * out.get(0)
                        * out.get(2)
                        * out.get(3);
        return new Cost(params, macs, out);
    }

    /**
     * Says whether skipped positions are filled by RBF interpolation (the default). Switch it off
     * where nothing reads the output at skipped positions: an exit's last convolutions, whose
     * skipped positions take the previous exit's prediction (Eq. 2.7) and whose active positions do
     * not read their neighbours. Active positions are unchanged either way; skipped positions then
     * hold unspecified values, and the interpolation's multiply-adds are not spent.
     *
     * @param fill false to leave skipped positions unfilled
     */
    public void setFillSkipped(boolean fill) {
        this.fillSkipped = fill;
    }

    /**
     * Returns whether skipped positions are filled.
     *
     * @return true unless {@link #setFillSkipped} switched it off
     */
    public boolean fillsSkipped() {
        return fillSkipped;
    }

    /**
     * Returns whether the convolution follows masks.
     *
     * @return true when adaptive
     */
    public boolean isAdaptive() {
        return lambda != null;
    }

    /**
     * Returns the output channels.
     *
     * @return Cout
     */
    public int getOutChannels() {
        return outChannels;
    }

    /**
     * The settings every masked convolution unit shares (DJL's {@code Convolution.Builder} pattern:
     * one generic builder, {@link #self()} returns the concrete one). The padding is always (k − 1)
     * / 2.
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {
        private int inChannels;
        private int outChannels;
        private int kernel;
        private int stride = 1;
        private boolean adaptive = true;

        BaseBuilder() {}

        /**
         * Returns this builder.
         *
         * @return this
         */
        protected abstract T self();

        /**
         * Sets the input channels (required, at least 1).
         *
         * @param c input channels
         * @return this builder
         */
        public T setInChannels(int c) {
            inChannels = c;
            return self();
        }

        /**
         * Sets the output channels (required, at least 1).
         *
         * @param c output channels
         * @return this builder
         */
        public T setOutChannels(int c) {
            outChannels = c;
            return self();
        }

        /**
         * Sets the square kernel side (required, odd and positive).
         *
         * @param k kernel side
         * @return this builder
         */
        public T setKernel(int k) {
            kernel = k;
            return self();
        }

        /**
         * Sets the stride (default 1).
         *
         * @param s the stride, at least 1
         * @return this builder
         */
        public T optStride(int s) {
            stride = s;
            return self();
        }

        /**
         * Says whether the convolution follows masks and owns λ (default true); a non-adaptive
         * convolution is always dense, as before the first exit.
         *
         * @param enabled whether it is adaptive
         * @return this builder
         */
        public T optAdaptive(boolean enabled) {
            adaptive = enabled;
            return self();
        }

        /** Validates the settings and builds the convolution. */
        MaskedConv2d conv(boolean bias) {
            return new MaskedConv2d(this, bias);
        }
    }

    /** Builder for {@link MaskedConv2d}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private boolean bias = true;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Says whether the convolution has a bias (default true, as DJL's {@code Conv2d}).
         *
         * @param enabled whether it has a bias
         * @return this builder
         */
        public Builder optBias(boolean enabled) {
            bias = enabled;
            return this;
        }

        /**
         * Builds the convolution.
         *
         * @return the block
         * @throws IllegalArgumentException naming the first argument out of its range
         */
        public MaskedConv2d build() {
            return conv(bias);
        }
    }
}
