package io.github.fastvision.core.pflayer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.core.layers.Pool2d;
import java.util.function.Predicate;

/**
 * Deformable max-pool and avg-pool (pflayer §5.1 "Deformable Max-pool", appendix B): a 3×3
 * convolution predicts 2·k·k offsets (dy, dx per window tap) at every output position; the input is
 * sampled bilinearly at the displaced k×k window positions and the samples are reduced by max or
 * mean. The offset predictor is the only weight and starts at zero, so a fresh block equals plain
 * pooling: max ignores taps outside the image (PyTorch pads max-pool with −∞), mean counts them as
 * zeros (count_include_pad). Gradients reach both the features and the offset predictor.
 *
 * <p>Offsets are laid out as torchvision's deform_conv2d: channel 2t is dy and 2t+1 is dx of tap t
 * (row-major in the window). With modulation (DCNv2, which the paper's implementation builds on)
 * the predictor emits k·k more channels, and each sample is scaled by 2·sigmoid(m) before the
 * reduction: 1 at initialization, so a fresh block still equals plain pooling. The paper's
 * ResNet-50 deform_max (18.0M params, 2.9 GFLOPs, pflayer Table 3) matches this 3·k·k predictor.
 * The child is named {@code offset_conv}.
 *
 * <p>Inference (not training, autograd off, float32 on CPU) pools with {@link
 * DeformablePoolKernel}, one pass in Java over the native tensors; training and any pass that
 * records gradients use {@link #sample}, built from libtorch operators. Both give the same outputs
 * within float rounding.
 */
public class DeformablePool2d extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;
    private static final String NAME = "DeformablePool2d";

    /**
     * Sampled values (N·C·k²·Ho·Wo) per chunk of the batch: 16M floats keep one pass under ~1 GB
     * (ResNet-50 deform_max at batch 32 otherwise needs several GB and was killed).
     */
    private static final long MAX_SAMPLES_PER_CHUNK = 1L << 24;

    private final int channels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final Pool2d.Mode mode;
    private final boolean modulated;
    private final Conv2d offsetConv;

    DeformablePool2d(Builder b) {
        super(VERSION);
        channels = Checks.required(NAME, "channels", b.channels);
        kernel = Checks.oddKernel("DeformablePool2d kernel", b.kernel);
        if (b.stride != 1 && b.stride != 2) {
            throw new IllegalArgumentException(
                    "DeformablePool2d stride must be 1 or 2 but was " + b.stride);
        }
        stride = b.stride;
        padding = kernel / 2;
        mode = b.mode;
        modulated = b.modulated;
        offsetConv =
                addChildBlock(
                        "offset_conv",
                        Conv2d.builder()
                                .setKernelShape(new Shape(3, 3))
                                .setFilters((modulated ? 3 : 2) * kernel * kernel)
                                .optStride(new Shape(stride, stride))
                                .optPadding(new Shape(1, 1))
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
     * Keeps the offset predictor's zero initialization: a deformable pool must start as plain
     * pooling. (A parent's {@code setInitializer} does not come through here; DJL sets the nested
     * parameters directly, which is why {@link #initializeChildBlocks} sets the zeros.)
     *
     * @param initializer ignored
     * @param predicate ignored
     */
    @Override
    public void setInitializer(Initializer initializer, Predicate<Parameter> predicate) {}

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.nchw(NAME, x, channels);
        NDArray offsets = ChildBlocks.forward(offsetConv, ps, x, training);
        if (!training && !Autograd.isRecording() && DeformablePoolKernel.supports(x, offsets)) {
            // Inference: the one-pass Java kernel; the offsets still come from libtorch's conv.
            return new NDList(DeformablePoolKernel.pool(x, offsets, kernel, stride, mode));
        }
        return new NDList(sample(x, offsets, kernel, stride, mode));
    }

    /**
     * Pools {@code x} over windows displaced by {@code offsets} with libtorch operators
     * (autograd-capable; the training path).
     *
     * @param x NCHW features
     * @param offsets (N, 2·k·k, Ho, Wo) offsets, dy then dx for each tap, optionally followed by
     *     k·k modulation logits (N, 3·k·k, Ho, Wo)
     * @param kernel window size k (odd)
     * @param stride window stride
     * @param mode max or mean over the k·k samples
     * @return (N, C, Ho, Wo) pooled features
     */
    public static NDArray sample(
            NDArray x, NDArray offsets, int kernel, int stride, Pool2d.Mode mode) {
        return sample(x, offsets, kernel, stride, mode, MAX_SAMPLES_PER_CHUNK);
    }

    /** {@link #sample} with a given chunk budget, so that tests reach chunking on small inputs. */
    static NDArray sample(
            NDArray x,
            NDArray offsets,
            int kernel,
            int stride,
            Pool2d.Mode mode,
            long maxSamplesPerChunk) {
        Shape xs = x.getShape();
        long n = xs.get(0);
        long samplesPerImage =
                xs.get(1) * kernel * kernel * offsets.getShape().get(2) * offsets.getShape().get(3);
        long chunk = Math.max(1, maxSamplesPerChunk / samplesPerImage);
        if (n > chunk) {
            // Bound the working set: each bilinear corner materializes N·C·k²·Ho·Wo values.
            // Each chunk's intermediates live in their own scope and are freed before the next
            // chunk (autograd keeps what backward needs natively); only the result is kept.
            NDManager owner = x.getManager();
            NDList parts = new NDList();
            for (long begin = 0; begin < n; begin += chunk) {
                NDIndex rows = new NDIndex("{}:{}", begin, Math.min(n, begin + chunk));
                try (NDManager scope = owner.newSubManager()) {
                    NDArray xChunk = x.get(rows);
                    NDArray offChunk = offsets.get(rows);
                    xChunk.attach(scope);
                    offChunk.attach(scope);
                    NDArray part = sampleAll(xChunk, offChunk, kernel, stride, mode);
                    part.attach(owner);
                    parts.add(part);
                }
            }
            return NDArrays.concat(parts, 0);
        }
        return sampleAll(x, offsets, kernel, stride, mode);
    }

    private static NDArray sampleAll(
            NDArray x, NDArray offsets, int kernel, int stride, Pool2d.Mode mode) {
        Shape xs = x.getShape();
        long n = xs.get(0);
        long c = xs.get(1);
        long h = xs.get(2);
        long w = xs.get(3);
        int pad = kernel / 2;
        int taps = kernel * kernel;
        long ho = Checks.windowOut(h, kernel, stride, pad);
        long wo = Checks.windowOut(w, kernel, stride, pad);
        Shape plain = new Shape(n, 2L * taps, ho, wo);
        Shape withMask = new Shape(n, 3L * taps, ho, wo);
        boolean modulated = offsets.getShape().equals(withMask);
        if (!modulated && !offsets.getShape().equals(plain)) {
            throw new IllegalArgumentException(
                    NAME
                            + " expects offsets of shape "
                            + plain
                            + " or, modulated, "
                            + withMask
                            + " but got "
                            + offsets.getShape());
        }
        NDManager manager = x.getManager();
        DataType type = x.getDataType();
        // Undisplaced window positions, built natively (no Java buffers on the hot path):
        // row = i·stride − pad + t / k, column = j·stride − pad + t mod k.
        NDArray tap = manager.arange(0f, (float) taps, 1f, type);
        NDArray tapRow = tap.div(kernel).floor();
        NDArray tapCol = tap.sub(tapRow.mul(kernel));
        NDArray rows = manager.arange(0f, (float) ho, 1f, type).mul(stride).sub(pad);
        NDArray cols = manager.arange(0f, (float) wo, 1f, type).mul(stride).sub(pad);
        NDArray off =
                (modulated ? offsets.get(":, :{}", 2 * taps) : offsets).reshape(n, taps, 2, ho, wo);
        NDArray py =
                off.get(":, :, 0")
                        .add(tapRow.reshape(1, taps, 1, 1))
                        .add(rows.reshape(1, 1, ho, 1));
        NDArray px =
                off.get(":, :, 1")
                        .add(tapCol.reshape(1, taps, 1, 1))
                        .add(cols.reshape(1, 1, 1, wo));
        NDArray y0 = py.floor().stopGradient();
        NDArray x0 = px.floor().stopGradient();
        NDArray ly = py.sub(y0);
        NDArray lx = px.sub(x0);
        NDArray[] wy = {ly.neg().add(1), ly};
        NDArray[] wx = {lx.neg().add(1), lx};
        // Modulation scales every sample, so it folds into the corner weights.
        NDArray modulation =
                modulated ? Activation.sigmoid(offsets.get(":, {}:", 2 * taps)).mul(2) : null;
        // Channels-last rows: each bilinear corner is one row gather of C contiguous values per
        // sample (index_select), instead of gathering with an int64 index broadcast over C.
        NDArray rowsCl = x.transpose(0, 2, 3, 1).reshape(n * h * w, c);
        NDArray imageBase =
                manager.arange(0, (int) n)
                        .toType(DataType.INT64, false)
                        .mul(h * w)
                        .reshape(n, 1, 1, 1);
        NDArray sum = null;
        for (int dy = 0; dy <= 1; dy++) {
            NDArray yc = y0.add(dy);
            NDArray validY = yc.gte(0).logicalAnd(yc.lte(h - 1));
            NDArray rowIndex = yc.clip(0, h - 1).mul(w);
            for (int dx = 0; dx <= 1; dx++) {
                NDArray xc = x0.add(dx);
                NDArray valid = validY.logicalAnd(xc.gte(0)).logicalAnd(xc.lte(w - 1));
                NDArray weight = wy[dy].mul(wx[dx]).mul(valid.toType(type, false));
                if (modulation != null) {
                    weight = weight.mul(modulation);
                }
                // Indices within an image are exact in float (< 2^24); the image offset is int64.
                NDArray index =
                        rowIndex.add(xc.clip(0, w - 1))
                                .toType(DataType.INT64, false)
                                .add(imageBase)
                                .reshape(-1);
                NDArray term = rowsCl.get(new NDIndex("{}", index)).mul(weight.reshape(-1, 1));
                sum = sum == null ? term : sum.add(term);
            }
        }
        // (N·k²·Ho·Wo, C) -> (N, k², Ho·Wo, C): reduce over the taps, then back to NCHW.
        sum = sum.reshape(n, taps, ho * wo, c);
        NDArray pooled;
        if (mode == Pool2d.Mode.AVG) {
            pooled = sum.mean(new int[] {1});
        } else {
            // Max ignores samples outside the image, as max-pool's −∞ padding does.
            NDArray inside =
                    py.gt(-1)
                            .logicalAnd(py.lt(h))
                            .logicalAnd(px.gt(-1))
                            .logicalAnd(px.lt(w))
                            .reshape(n, taps, ho * wo, 1);
            NDArray masked =
                    NDArrays.where(
                            inside.broadcast(sum.getShape()),
                            sum,
                            manager.full(new Shape(1), Float.NEGATIVE_INFINITY, type)
                                    .broadcast(sum.getShape()));
            NDArray max = masked.max(new int[] {1});
            // A window pushed entirely outside the image has no sample: output 0.
            pooled =
                    NDArrays.where(
                            max.isInfinite(),
                            manager.zeros(new Shape(1), type).broadcast(max.getShape()),
                            max);
        }
        return pooled.reshape(n, ho, wo, c).transpose(0, 3, 1, 2);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        Checks.nchw(NAME, in, channels);
        return new Shape[] {Checks.windowShape(in, channels, kernel, stride, padding)};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        // Zeros set here, not at construction: a parent model's setInitializer (ResNet's Kaiming
        // init of every weight) reaches these parameters directly and replaced them, so training
        // started from random offsets instead of plain pooling, and a random-init ResNet-50
        // deform_max predicted offsets of hundreds of pixels (a chaotic function whose float
        // rounding alone moved the logits by ~1e-3 between any two correct implementations).
        offsetConv.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        offsetConv.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        offsetConv.initialize(manager, dataType, inputs[0]);
    }

    /**
     * Returns the offset predictor (the only weights).
     *
     * @return the offset convolution
     */
    public Conv2d getOffsetConv() {
        return offsetConv;
    }

    /**
     * Returns whether samples are modulated (DCNv2).
     *
     * @return true when the predictor also emits modulation logits
     */
    public boolean isModulated() {
        return modulated;
    }

    /**
     * Returns the reduction mode.
     *
     * @return max or avg
     */
    public Pool2d.Mode getMode() {
        return mode;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Shape out = getOutputShapes(new Shape[] {input})[0];
        Cost offsets = Cost.of(offsetConv, input);
        // Bilinear sampling: four weighted corners (and the modulation) per sample and output
        // value.
        long sampling = (modulated ? 5L : 4L) * kernel * kernel * out.size();
        return new Cost(offsets.params(), offsets.macs() + sampling, out);
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

    /** Builder for {@link DeformablePool2d}. */
    public static final class Builder {
        private int channels;
        private int kernel = 3;
        private int stride = 1;
        private Pool2d.Mode mode = Pool2d.Mode.MAX;
        private boolean modulated;

        Builder() {}

        /**
         * Adds DCNv2 modulation: k·k more predictor outputs scaling each sample by 2·sigmoid(m)
         * (default off).
         *
         * @param enabled whether to modulate
         * @return this builder
         */
        public Builder optModulation(boolean enabled) {
            modulated = enabled;
            return this;
        }

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
         * Sets the odd window size (default 3).
         *
         * @param k kernel size
         * @return this builder
         */
        public Builder optKernel(int k) {
            kernel = k;
            return this;
        }

        /**
         * Sets the stride, 1 or 2 (default 1).
         *
         * @param s stride
         * @return this builder
         */
        public Builder optStride(int s) {
            stride = s;
            return this;
        }

        /**
         * Sets max or average reduction (default max).
         *
         * @param m mode
         * @return this builder
         */
        public Builder optMode(Pool2d.Mode m) {
            mode = m;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public DeformablePool2d build() {
            return new DeformablePool2d(this);
        }
    }
}
