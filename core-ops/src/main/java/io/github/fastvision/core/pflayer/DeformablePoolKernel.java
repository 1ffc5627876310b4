package io.github.fastvision.core.pflayer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.runtime.KernelThreads;
import io.github.fastvision.core.runtime.NativeFloats;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One-pass CPU inference kernel for {@link DeformablePool2d} (pflayer §5.1): per output row, tap by
 * tap, and per output position it computes the bilinear corners and weights once, then accumulates
 * the four weighted corner rows of all channels into the output (max or mean over the taps, each
 * position's taps in window order). Each input value is read at most four times per sample and each
 * output value written once, where the autograd path ({@link DeformablePool2d#sample}) streams
 * several N·C·k²·Ho·Wo intermediates through memory.
 *
 * <p>The input is read channels-last into a Java array (one libtorch transpose, free when it
 * already is), so the inner loops ({@link SampleLoops}) run over C contiguous floats of four corner
 * rows: through the Vector API when the JVM has it ({@code --add-modules jdk.incubator.vector}),
 * else copied next to the output row so that C2 vectorises them; the output is written
 * channels-last and returned as an NCHW view, as the autograd path returns it. Rows of the batch
 * are split over the PyTorch engine's thread count ({@link KernelThreads}). The arithmetic is the
 * autograd path's, in the same order (corner weights {@code (wy·wx)·valid·modulation}, corner terms
 * summed 00, 01, 10, 11), so results agree within float rounding of the reductions and zero offsets
 * give plain pooling exactly. No autograd: training uses the autograd path.
 *
 * <p>A tap at an integral position inside the image (zero or integer offsets, as every tap of a
 * fresh zero-initialised predictor) reads one row: its other three corners have weight exactly 0,
 * so the bilinear sum equals that row times the modulation for finite inputs (an infinite or NaN
 * neighbour, which the four-corner sum turns into NaN through 0·∞, is not read). Such taps of
 * neighbouring positions whose rows are consecutive in the input and whose modulation is equal
 * (zero offsets at stride 1: the whole output row) merge into one loop over many rows, which C2
 * runs at full vector width instead of paying a short loop's set-up per position. A zero modulation
 * logit gives 2·sigmoid(0) = 1 without the exp. Measurements: docs/results/deformable.md.
 */
public final class DeformablePoolKernel {

    /**
     * System property that, set to {@code false}, keeps the plain-Java inner loops even when the
     * JVM has the Vector API module.
     */
    public static final String VECTOR_PROPERTY = "fastvision.kernel.vector";

    private static final NativeFloats.Scratch INPUT = new NativeFloats.Scratch();
    private static final NativeFloats.Scratch ROW = new NativeFloats.Scratch();
    private static final NativeFloats.Scratch CORNER00 = new NativeFloats.Scratch();
    private static final NativeFloats.Scratch CORNER01 = new NativeFloats.Scratch();
    private static final NativeFloats.Scratch CORNER10 = new NativeFloats.Scratch();
    private static final NativeFloats.Scratch CORNER11 = new NativeFloats.Scratch();
    private static final SampleLoops LOOPS = SampleLoops.fastest();

    private DeformablePoolKernel() {}

    /**
     * Returns whether the inner loops run on the Vector API: the JVM was started with {@code
     * --add-modules jdk.incubator.vector} and {@code -Dfastvision.kernel.vector=false} was not
     * given. Without it the kernel gives the same bits, slower at fractional offsets.
     *
     * @return true on the Vector API loops
     */
    public static boolean vectorized() {
        return !(LOOPS instanceof ArraySampleLoops);
    }

    /**
     * Returns whether the kernel can pool these arrays: float32 CPU tensors whose sizes index in an
     * int.
     *
     * @param x NCHW features
     * @param offsets offsets (and modulation logits)
     * @return true when {@link #pool} applies
     */
    public static boolean supports(NDArray x, NDArray offsets) {
        return x.getDataType() == DataType.FLOAT32
                && offsets.getDataType() == DataType.FLOAT32
                && Device.Type.CPU.equals(x.getDevice().getDeviceType())
                && Device.Type.CPU.equals(offsets.getDevice().getDeviceType())
                && x.getShape().dimension() == 4
                && x.size() < Integer.MAX_VALUE
                && offsets.size() < Integer.MAX_VALUE
                && x.getShape().get(0)
                                * x.getShape().get(1)
                                * offsets.getShape().get(2)
                                * offsets.getShape().get(3)
                        < Integer.MAX_VALUE;
    }

    /**
     * Pools {@code x} over windows displaced by {@code offsets}, as {@link DeformablePool2d#sample}
     * does, without autograd.
     *
     * @param x NCHW float32 features
     * @param offsets (N, 2·k·k, Ho, Wo) offsets, dy then dx for each tap, optionally followed by
     *     k·k modulation logits (N, 3·k·k, Ho, Wo)
     * @param kernel window size k (odd)
     * @param stride window stride
     * @param mode max or mean over the k·k samples
     * @return (N, C, Ho, Wo) pooled features (a view on channels-last memory)
     * @throws IllegalArgumentException if the offsets' shape does not match, or {@link #supports}
     *     is false
     */
    public static NDArray pool(
            NDArray x, NDArray offsets, int kernel, int stride, Pool2d.Mode mode) {
        return pool(x, offsets, kernel, stride, mode, LOOPS);
    }

    /** {@link #pool} on the given inner loops (tests compare the two). */
    static NDArray pool(
            NDArray x,
            NDArray offsets,
            int kernel,
            int stride,
            Pool2d.Mode mode,
            SampleLoops loops) {
        if (!supports(x, offsets)) {
            throw new IllegalArgumentException(
                    "DeformablePoolKernel needs float32 CPU tensors of fewer than 2^31 elements but"
                            + " got "
                            + x.getDataType()
                            + " "
                            + x.getShape()
                            + " on "
                            + x.getDevice());
        }
        Shape xs = x.getShape();
        int n = (int) xs.get(0);
        int c = (int) xs.get(1);
        int h = (int) xs.get(2);
        int w = (int) xs.get(3);
        int pad = kernel / 2;
        int taps = kernel * kernel;
        int ho = (int) Checks.windowOut(h, kernel, stride, pad);
        int wo = (int) Checks.windowOut(w, kernel, stride, pad);
        Shape plain = new Shape(n, 2L * taps, ho, wo);
        Shape withMask = new Shape(n, 3L * taps, ho, wo);
        boolean modulated = offsets.getShape().equals(withMask);
        if (!modulated && !offsets.getShape().equals(plain)) {
            throw new IllegalArgumentException(
                    "DeformablePool2d expects offsets of shape "
                            + plain
                            + " or, modulated, "
                            + withMask
                            + " but got "
                            + offsets.getShape());
        }
        // Channels-last rows; a view (no copy) when x is already channels-last.
        NDArray rows = x.transpose(0, 2, 3, 1).reshape(n, (long) h * w, c);
        float[] in = NativeFloats.read(rows, INPUT.get(n * h * w * c));
        rows.close();
        FloatBuffer off = NativeFloats.view(offsets);
        NDArray out = NativeFloats.create(x, new Shape(n, ho, wo, c));
        FloatBuffer dst = NativeFloats.view(out);
        Geometry g =
                new Geometry(
                        c, h, w, ho, wo, kernel, stride, pad, modulated, mode == Pool2d.Mode.MAX);
        run(g, n, in, off, dst, KernelThreads.threads(), loops);
        return out.transpose(0, 3, 1, 2);
    }

    /**
     * Pools channels-last float buffers, as {@link #pool} does, for callers that hold the tensors
     * outside libtorch (ONNX Runtime's tensors in the mixed runtime): the input is copied into a
     * Java array, the offsets are read in place and each output row is written once into {@code
     * out}. Buffers are read and written from index 0 with absolute indices, so their positions are
     * left alone.
     *
     * @param x (N, H, W, C) features, channels-last
     * @param offsets (N, 2·k·k, Ho, Wo) offsets, or (N, 3·k·k, Ho, Wo) with modulation logits
     * @param out (N, Ho, Wo, C) pooled features, channels-last, written
     * @param shape the input's NCHW sizes {N, C, H, W}
     * @param kernel window size k (odd)
     * @param stride window stride
     * @param mode max or mean over the k·k samples
     * @param modulated whether the offsets carry modulation logits
     * @param threads threads to split the images, or the rows of a smaller batch, over (the
     *     caller's one included)
     * @throws IllegalArgumentException when a buffer is smaller than its shape
     */
    public static void poolChannelsLast(
            FloatBuffer x,
            FloatBuffer offsets,
            FloatBuffer out,
            int[] shape,
            int kernel,
            int stride,
            Pool2d.Mode mode,
            boolean modulated,
            int threads) {
        int n = shape[0];
        int c = shape[1];
        int h = shape[2];
        int w = shape[3];
        int pad = kernel / 2;
        int ho = (int) Checks.windowOut(h, kernel, stride, pad);
        int wo = (int) Checks.windowOut(w, kernel, stride, pad);
        long inSize = (long) n * h * w * c;
        long offSize = (long) n * (modulated ? 3 : 2) * kernel * kernel * ho * wo;
        long outSize = (long) n * ho * wo * c;
        if (inSize >= Integer.MAX_VALUE
                || offSize >= Integer.MAX_VALUE
                || outSize >= Integer.MAX_VALUE
                || x.capacity() < inSize
                || offsets.capacity() < offSize
                || out.capacity() < outSize) {
            throw new IllegalArgumentException(
                    "DeformablePoolKernel on "
                            + Arrays.toString(shape)
                            + " needs buffers of fewer than 2^31 floats: "
                            + inSize
                            + ", "
                            + offSize
                            + " and "
                            + outSize
                            + " floats but got "
                            + x.capacity()
                            + ", "
                            + offsets.capacity()
                            + " and "
                            + out.capacity());
        }
        Geometry g =
                new Geometry(
                        c, h, w, ho, wo, kernel, stride, pad, modulated, mode == Pool2d.Mode.MAX);
        // The inner loops read arrays: one bulk copy of the input costs less than copying each
        // sample's four corner rows out of the buffer. Whole images per thread when the batch
        // splits evenly enough, else the rows of one copy of the batch.
        if (n >= threads && (n % threads == 0 || n >= 4 * threads)) {
            runByImage(g, n, x, offsets, out, threads, LOOPS);
        } else {
            float[] in = INPUT.get((int) inSize);
            x.get(0, in, 0, (int) inSize);
            run(g, n, in, offsets, out, threads, LOOPS);
        }
    }

    /**
     * Pools a batch of at least as many images as threads, whole images per thread: each copies one
     * image at a time into its own array, which stays in cache while its rows are pooled, where a
     * copy of a whole batch of 32 does not (3–5% of the kernel's time in the mixed runtime).
     */
    private static void runByImage(
            Geometry g,
            int n,
            FloatBuffer x,
            FloatBuffer off,
            FloatBuffer dst,
            int threads,
            SampleLoops loops) {
        int image = g.h * g.w * g.c;
        int outRow = g.wo * g.c;
        KernelThreads.forRange(
                threads,
                n,
                (begin, end) -> {
                    float[] in = INPUT.get(image);
                    Rows rows = Rows.scratch(outRow);
                    boolean[] sampled = new boolean[g.wo];
                    for (int img = begin; img < end; img++) {
                        x.get(img * image, in, 0, image);
                        for (int i = 0; i < g.ho; i++) {
                            g.row(in, 0, off, img, i, rows, sampled, loops);
                            dst.put((img * g.ho + i) * outRow, rows.acc, 0, outRow);
                        }
                    }
                    return 0;
                });
    }

    /** Pools every output row of the batch into {@code dst}, split over {@code threads}. */
    private static void run(
            Geometry g,
            int n,
            float[] in,
            FloatBuffer off,
            FloatBuffer dst,
            int threads,
            SampleLoops loops) {
        int ho = g.ho;
        int wo = g.wo;
        int c = g.c;
        KernelThreads.forRange(
                threads,
                n * ho,
                (begin, end) -> {
                    Rows scratch = Rows.scratch(wo * c);
                    float[] acc = scratch.acc;
                    boolean[] sampled = new boolean[wo];
                    int image = g.h * g.w * c;
                    for (int unit = begin; unit < end; unit++) {
                        int img = unit / ho;
                        g.row(in, img * image, off, img, unit % ho, scratch, sampled, loops);
                        dst.put(unit * wo * c, acc, 0, wo * c);
                    }
                    return 0;
                });
    }

    /** Sizes of one call and the per-row loop. */
    private static final class Geometry {
        final int c;
        final int h;
        final int w;
        final int ho;
        final int wo;
        final int kernel;
        final int stride;
        final int pad;
        final int taps;
        final boolean modulated;
        final boolean max;

        Geometry(
                int c,
                int h,
                int w,
                int ho,
                int wo,
                int kernel,
                int stride,
                int pad,
                boolean modulated,
                boolean max) {
            this.c = c;
            this.h = h;
            this.w = w;
            this.ho = ho;
            this.wo = wo;
            this.kernel = kernel;
            this.stride = stride;
            this.pad = pad;
            this.taps = kernel * kernel;
            this.modulated = modulated;
            this.max = max;
        }

        /**
         * Pools output row {@code i} of image {@code img} into {@code rows.acc} (Wo·C,
         * channels-last), tap by tap: each tap's samples of the whole row are accumulated before
         * the next tap's, so that integral positions whose rows are consecutive in the input (zero
         * offsets at stride 1: all of them) merge into one long loop. Each output value still
         * receives its taps in order 0..k²−1, so the results equal a position-by-position pass bit
         * for bit.
         *
         * @param in the input, channels-last
         * @param inBase where image {@code img} starts in {@code in}
         * @param off the offsets
         * @param img the image
         * @param i the output row
         * @param rows the output row ({@code rows.acc}) and the corner scratch
         * @param sampled scratch of Wo flags: whether max saw a sample inside the image
         * @param loops the inner loops
         */
        void row(
                float[] in,
                int inBase,
                FloatBuffer off,
                int img,
                int i,
                Rows rows,
                boolean[] sampled,
                SampleLoops loops) {
            float[] acc = rows.acc;
            int plane = ho * wo;
            int offBase = img * (modulated ? 3 : 2) * taps * plane;
            Arrays.fill(acc, 0, wo * c, max ? Float.NEGATIVE_INFINITY : 0f);
            Arrays.fill(sampled, false);
            // Float positions computed as the autograd path does: (offset + tap) + window origin.
            float rowOrigin = (float) (i * stride - pad);
            for (int t = 0; t < taps; t++) {
                int dyBase = offBase + 2 * t * plane + i * wo;
                int dxBase = offBase + (2 * t + 1) * plane + i * wo;
                int modBase = offBase + (2 * taps + t) * plane + i * wo;
                float tapRow = (float) (t / kernel);
                float tapCol = (float) (t % kernel);
                // The pending run of integral samples: output offset, input offset, length in
                // floats, modulation.
                int runA = 0;
                int runSrc = 0;
                int runLen = 0;
                float runMod = 0f;
                for (int j = 0; j < wo; j++) {
                    int a = j * c;
                    float py = (off.get(dyBase + j) + tapRow) + rowOrigin;
                    float px = (off.get(dxBase + j) + tapCol) + (float) (j * stride - pad);
                    if (max && !(py > -1 && py < h && px > -1 && px < w)) {
                        // Max ignores samples outside the image (max-pool's −∞ padding).
                        continue;
                    }
                    sampled[j] = true;
                    float y0 = (float) Math.floor(py);
                    float x0 = (float) Math.floor(px);
                    float ly = py - y0;
                    float lx = px - x0;
                    float mod = 1f;
                    if (modulated) {
                        float logit = off.get(modBase + j);
                        // sigmoid(0)·2 is exactly 1 (a fresh predictor's logits): skip the exp.
                        mod = logit == 0f ? 1f : (float) (1.0 / (1.0 + Math.exp(-logit))) * 2f;
                    }
                    if (ly == 0f && lx == 0f && y0 >= 0 && y0 <= h - 1 && x0 >= 0 && x0 <= w - 1) {
                        // An integral position inside the image (zero or integer offsets): the
                        // other three corners have weight 0, so the sample is one row times mod.
                        int src = inBase + ((int) y0 * w + (int) x0) * c;
                        if (runLen > 0
                                && mod == runMod
                                && a == runA + runLen
                                && src == runSrc + runLen) {
                            runLen += c;
                        } else {
                            flush(loops, in, rows, runA, runSrc, runLen, runMod);
                            runA = a;
                            runSrc = src;
                            runLen = c;
                            runMod = mod;
                        }
                        continue;
                    }
                    float y1 = y0 + 1;
                    float x1 = x0 + 1;
                    float v0 = y0 >= 0 && y0 <= h - 1 ? 1f : 0f;
                    float v1 = y1 >= 0 && y1 <= h - 1 ? 1f : 0f;
                    float u0 = x0 >= 0 && x0 <= w - 1 ? 1f : 0f;
                    float u1 = x1 >= 0 && x1 <= w - 1 ? 1f : 0f;
                    float wy0 = 1 - ly;
                    float wx0 = 1 - lx;
                    float w00 = wy0 * wx0 * (v0 * u0);
                    float w01 = wy0 * lx * (v0 * u1);
                    float w10 = ly * wx0 * (v1 * u0);
                    float w11 = ly * lx * (v1 * u1);
                    if (modulated) {
                        w00 *= mod;
                        w01 *= mod;
                        w10 *= mod;
                        w11 *= mod;
                    }
                    int r0 = clamp(y0, h) * w;
                    int r1 = clamp(y1, h) * w;
                    int c0 = clamp(x0, w);
                    int c1 = clamp(x1, w);
                    int i00 = inBase + (r0 + c0) * c;
                    int i01 = inBase + (r0 + c1) * c;
                    int i10 = inBase + (r1 + c0) * c;
                    int i11 = inBase + (r1 + c1) * c;
                    loops.corners(in, rows, a, c, i00, i01, i10, i11, w00, w01, w10, w11, max);
                }
                flush(loops, in, rows, runA, runSrc, runLen, runMod);
            }
            for (int j = 0; j < wo; j++) {
                int a = j * c;
                if (max && !sampled[j]) {
                    // A window pushed entirely outside the image has no sample: output 0.
                    Arrays.fill(acc, a, a + c, 0f);
                } else if (!max) {
                    for (int k = a; k < a + c; k++) {
                        acc[k] /= taps;
                    }
                }
            }
        }

        private void flush(
                SampleLoops loops, float[] in, Rows rows, int a, int src, int len, float mod) {
            if (len > 0) {
                loops.row(in, src, rows, a, len, mod, max);
            }
        }

        private static int clamp(float v, int size) {
            return (int) Math.min(Math.max(v, 0f), size - 1);
        }
    }

    /**
     * One output row ({@code acc}, Wo·C channels-last) and four scratch rows of the same length, in
     * which {@link ArraySampleLoops} places the corner rows at the output's offset.
     */
    static final class Rows {
        final float[] acc;
        final float[] c00;
        final float[] c01;
        final float[] c10;
        final float[] c11;

        Rows(float[] acc, float[] c00, float[] c01, float[] c10, float[] c11) {
            this.acc = acc;
            this.c00 = c00;
            this.c01 = c01;
            this.c10 = c10;
            this.c11 = c11;
        }

        /** The calling thread's rows of at least {@code len} floats. */
        static Rows scratch(int len) {
            return new Rows(
                    ROW.get(len),
                    CORNER00.get(len),
                    CORNER01.get(len),
                    CORNER10.get(len),
                    CORNER11.get(len));
        }
    }
}
