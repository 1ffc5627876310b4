package io.github.fastvision.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.core.runtime.ProcessMemory;
import io.github.fastvision.onnx.runtime.OnnxRuntimeSession;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One deformable pool exported alone, in the regime where the full-size resnet50_deform_max export
 * used to disagree: activations in the hundreds and offsets from a few pixels to far outside a
 * 14×14 map. Inputs and predictor weights are exact binary fractions, so the offsets convolution
 * gives the same bits in libtorch and ONNX Runtime (its sums are exact in any order) and what is
 * compared is the sampling and reduction alone: ONNX Runtime's GridSample graph, fastvision's
 * inference kernel and the libtorch (training) path agree far below the export tolerance there.
 * (Without exact offsets, the offsets convolution's rounding in either engine moves sampling
 * positions by ~1e-4 px at these magnitudes, which is what a random-init ResNet-50 deform_max,
 * whose predictors were Kaiming-initialized, amplified into ~1e-3 of its logits.)
 */
class DeformablePoolExportTest {

    private static final Shape INPUT = new Shape(2, 8, 14, 14);

    /** Far below the export tolerance (1e-4 of max|ref|), with sampling positions that agree. */
    private static final double TOLERANCE = 1e-5;

    @Test
    void largeActivationsAndOffsetsSampleAlikeInOnnxRuntimeAndFastVision() throws Exception {
        Autograd.disable();
        for (Pool2d.Mode mode : Pool2d.Mode.values()) {
            for (int stride : new int[] {1, 2}) {
                check(mode, stride);
            }
        }
    }

    /**
     * A fresh pool (zero-initialized predictor: zero offsets, modulation 1) is plain pooling in
     * every formulation: ONNX Runtime's own MaxPool / AveragePool (zero padding counted in the
     * mean) on the same input, at both strides and with padding on every border.
     */
    @Test
    void zeroOffsetsArePlainPoolingInEveryFormulation() throws Exception {
        Autograd.disable();
        Shape shape = new Shape(2, 5, 9, 8);
        for (Pool2d.Mode mode : Pool2d.Mode.values()) {
            for (int stride : new int[] {1, 2}) {
                try (NDManager m = NDManager.newBaseManager()) {
                    DeformablePool2d pool =
                            DeformablePool2d.builder()
                                    .setChannels((int) shape.get(1))
                                    .optStride(stride)
                                    .optMode(mode)
                                    .optModulation(true)
                                    .build();
                    pool.initialize(m, DataType.FLOAT32, shape);
                    NDArray x = m.randomNormal(0f, 3f, shape, DataType.FLOAT32, m.getDevice());
                    float[] plain =
                            run(DeformablePoolExport.plainPool(mode, shape, 3, stride), pool, x);
                    float[] block = forward(pool, x, m);
                    for (DeformablePoolExport.Formulation f :
                            DeformablePoolExport.Formulation.values()) {
                        String what =
                                String.format(Locale.ROOT, "%s stride %d %s", mode, stride, f);
                        float[] ort = onnxRuntime(pool, x, f);
                        double scale = TOLERANCE * maxAbs(plain);
                        assertTrue(maxDiff(plain, ort) <= scale, what + ": " + maxDiff(plain, ort));
                        assertTrue(maxDiff(block, ort) <= scale, what + ": " + maxDiff(block, ort));
                    }
                }
            }
        }
    }

    /**
     * Resident memory stays flat over 2,000 passes of the default formulation (random offsets, both
     * reductions in one session each), the bound of {@code OnnxRuntimeMemoryTest}; RSS is read
     * without a GC.
     */
    @Test
    void defaultFormulationDoesNotGrowMemory() throws Exception {
        Autograd.disable();
        Shape shape = new Shape(1, 16, 14, 14);
        for (Pool2d.Mode mode : Pool2d.Mode.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                DeformablePool2d pool =
                        DeformablePool2d.builder()
                                .setChannels((int) shape.get(1))
                                .optMode(mode)
                                .optModulation(true)
                                .build();
                pool.initialize(m, DataType.FLOAT32, shape);
                NDArray w = pool.getOffsetConv().getParameters().get("weight").getArray();
                w.set(fractions(new Random(7), w.size(), 8, 64));
                float[] x = fractions(new Random(8), shape.size(), 100, 10);
                byte[] onnx =
                        DeformablePoolExport.standalone(pool, shape, DeformablePoolExport.DEFAULT);
                try (OnnxRuntimeSession ort = OnnxRuntimeSession.builder().setModel(onnx).build()) {
                    for (int i = 0; i < 100; i++) {
                        ort.run(x, shape.getShape());
                    }
                    System.gc();
                    long baseline = ProcessMemory.requireResidentBytes();
                    for (int i = 0; i < 2000; i++) {
                        ort.run(x, shape.getShape());
                    }
                    long grew = ProcessMemory.requireResidentBytes() - baseline;
                    assertTrue(grew < (64L << 20), mode + ": RSS grew by " + (grew >> 20) + " MiB");
                }
            }
        }
    }

    private static void check(Pool2d.Mode mode, int stride) throws Exception {
        String what = String.format(Locale.ROOT, "%s stride %d", mode, stride);
        try (NDManager m = NDManager.newBaseManager()) {
            DeformablePool2d pool =
                    DeformablePool2d.builder()
                            .setChannels((int) INPUT.get(1))
                            .optStride(stride)
                            .optMode(mode)
                            .optModulation(true)
                            .build();
            pool.initialize(m, DataType.FLOAT32, INPUT);
            Random random = new Random(20 + stride);
            // Integer activations up to ±255; weights and biases in 1/256 steps: every product
            // and partial sum of the offsets convolution is exact in float32.
            NDArray x = m.create(fractions(random, INPUT.size(), 255, 1), INPUT);
            for (String name : new String[] {"weight", "bias"}) {
                NDArray p = pool.getOffsetConv().getParameters().get(name).getArray();
                p.set(fractions(random, p.size(), 3, 256));
            }
            NDArray offsets =
                    pool.getOffsetConv()
                            .forward(new ParameterStore(m, false), new NDList(x), false)
                            .singletonOrThrow();
            assertRegime(offsets, stride, what);

            float[] kernel = forward(pool, x, m);
            float[] torch = DeformablePool2d.sample(x, offsets, 3, stride, mode).toFloatArray();
            double maxRef = 0;
            for (float v : kernel) {
                maxRef = Math.max(maxRef, Math.abs(v));
            }
            assertTrue(maxRef > 100, what + ": activations not in the large regime: " + maxRef);
            assertTrue(
                    maxDiff(kernel, torch) <= TOLERANCE * maxRef,
                    what + ": kernel vs libtorch path " + maxDiff(kernel, torch) / maxRef);
            for (DeformablePoolExport.Formulation f : DeformablePoolExport.Formulation.values()) {
                float[] ort = onnxRuntime(pool, x, f);
                assertTrue(
                        maxDiff(kernel, ort) <= TOLERANCE * maxRef,
                        what
                                + ": kernel vs ONNX Runtime "
                                + f
                                + " "
                                + maxDiff(kernel, ort) / maxRef);
            }
        }
    }

    /** Random multiples of 1/denominator with numerators in [−limit, limit]. */
    private static float[] fractions(Random random, long size, int limit, int denominator) {
        float[] v = new float[(int) size];
        for (int i = 0; i < v.length; i++) {
            v[i] = (random.nextInt(2 * limit + 1) - limit) / (float) denominator;
        }
        return v;
    }

    /**
     * Checks that the taps fall inside, across the border of and far outside the image, each in
     * numbers: the cases where the inside-the-image decision and the grid normalization matter.
     */
    private static void assertRegime(NDArray offsets, int stride, String what) {
        Shape os = offsets.getShape();
        long ho = os.get(2);
        long wo = os.get(3);
        long h = INPUT.get(2);
        float[] off = offsets.toFloatArray();
        int inside = 0;
        int border = 0;
        int far = 0;
        int plane = (int) (ho * wo);
        for (int n = 0; n < os.get(0); n++) {
            for (int t = 0; t < 9; t++) {
                for (int p = 0; p < plane; p++) {
                    int base = n * 27 * plane;
                    float py = off[base + 2 * t * plane + p] + t / 3 + (p / wo) * stride - 1;
                    float px = off[base + (2 * t + 1) * plane + p] + t % 3 + (p % wo) * stride - 1;
                    float edge = Math.max(Math.max(-py, py - (h - 1)), Math.max(-px, px - (h - 1)));
                    if (edge <= 0) {
                        inside++;
                    } else if (edge < 1) {
                        border++;
                    } else if (edge > 10) {
                        far++;
                    }
                }
            }
        }
        long taps = os.get(0) * 9 * plane;
        assertTrue(
                inside > taps / 10 && border > taps / 50 && far > taps / 10,
                what
                        + ": taps inside "
                        + inside
                        + ", within one pixel of the border "
                        + border
                        + ", over ten pixels outside "
                        + far);
    }

    private static float[] forward(DeformablePool2d pool, NDArray x, NDManager m) {
        return pool.forward(new ParameterStore(m, false), new NDList(x), false)
                .singletonOrThrow()
                .toFloatArray();
    }

    /** Runs the pool exported alone in the given formulation. */
    private static float[] onnxRuntime(
            DeformablePool2d pool, NDArray x, DeformablePoolExport.Formulation formulation)
            throws Exception {
        return run(DeformablePoolExport.standalone(pool, x.getShape(), formulation), pool, x);
    }

    private static float[] run(byte[] onnx, DeformablePool2d pool, NDArray x) throws Exception {
        Shape xs = x.getShape();
        Shape os = pool.getOutputShapes(new Shape[] {xs})[0];
        try (OnnxRuntimeSession ort = OnnxRuntimeSession.builder().setModel(onnx).build()) {
            OnnxRuntimeSession.Output result = ort.run(x.toFloatArray(), xs.getShape());
            assertArrayEquals(os.getShape(), result.shape(), "output shape");
            return result.values();
        }
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
