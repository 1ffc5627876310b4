package io.github.fastvision.core.pflayer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.fastvision.core.Fixtures;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.Pool2d;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link DeformablePoolKernel} against the autograd path and plain pooling. */
class DeformablePoolKernelTest {

    private int threadsBefore;

    @BeforeEach
    void inferenceThread() {
        Autograd.disable();
        threadsBefore = JniUtils.getNumThreads();
    }

    @AfterEach
    void restoreThreads() {
        JniUtils.setNumThreads(threadsBefore);
    }

    /** Elementwise |a − b| ≤ 1e-5 · max(1, |b|). */
    private static void assertClose(NDArray actual, NDArray expected, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what);
        float[] a = actual.toFloatArray();
        float[] b = expected.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            double tol = 1e-5 * Math.max(1, Math.abs(b[i]));
            assertTrue(
                    Math.abs(a[i] - b[i]) <= tol, what + " at " + i + ": " + a[i] + " vs " + b[i]);
        }
    }

    @Test
    void randomOffsetsMatchTheAutogradPath() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            for (Pool2d.Mode mode : Pool2d.Mode.values()) {
                for (int stride : new int[] {1, 2}) {
                    for (int kernel : new int[] {3, 5}) {
                        for (boolean modulated : new boolean[] {false, true}) {
                            for (int threads : new int[] {1, 2}) {
                                JniUtils.setNumThreads(threads);
                                Shape in = new Shape(3, 5, 7, 9);
                                int taps = kernel * kernel;
                                long ho = Checks.windowOut(7, kernel, stride, kernel / 2);
                                long wo = Checks.windowOut(9, kernel, stride, kernel / 2);
                                NDArray x = m.randomNormal(in);
                                // Large offsets push samples outside the image and whole windows
                                // off it, so every border rule is exercised.
                                NDArray off =
                                        m.randomNormal(
                                                0f,
                                                2.5f,
                                                new Shape(3, (modulated ? 3 : 2) * taps, ho, wo),
                                                DataType.FLOAT32);
                                String what =
                                        mode
                                                + " stride "
                                                + stride
                                                + " k "
                                                + kernel
                                                + " modulated "
                                                + modulated
                                                + " threads "
                                                + threads;
                                assertClose(
                                        DeformablePoolKernel.pool(x, off, kernel, stride, mode),
                                        DeformablePool2d.sample(x, off, kernel, stride, mode),
                                        what);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void integerOffsetsMatchTheAutogradPath() {
        // Integral sample positions take the kernel's one-row path; rounded offsets in [-4, 4]
        // mix such taps inside the image with taps on and beyond its border, and fractional
        // offsets on every other row keep the bilinear path in the same call.
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            for (Pool2d.Mode mode : Pool2d.Mode.values()) {
                for (int stride : new int[] {1, 2}) {
                    for (boolean modulated : new boolean[] {false, true}) {
                        for (int threads : new int[] {1, 2}) {
                            JniUtils.setNumThreads(threads);
                            long ho = Checks.windowOut(7, 3, stride, 1);
                            long wo = Checks.windowOut(9, 3, stride, 1);
                            NDArray x = m.randomNormal(new Shape(3, 6, 7, 9));
                            Shape offShape = new Shape(3, 18, ho, wo);
                            NDArray integral =
                                    m.randomNormal(0f, 2f, offShape, DataType.FLOAT32).round();
                            NDArray fractional = m.randomNormal(0f, 2f, offShape, DataType.FLOAT32);
                            NDArray oddRow =
                                    m.arange(0f, (float) ho, 1f, DataType.FLOAT32)
                                            .reshape(1, 1, ho, 1)
                                            .mod(2)
                                            .eq(1)
                                            .broadcast(offShape);
                            NDArray off = NDArrays.where(oddRow, fractional, integral);
                            if (modulated) {
                                NDArray logits =
                                        m.randomNormal(
                                                0f, 1f, new Shape(3, 9, ho, wo), DataType.FLOAT32);
                                off = off.concat(logits, 1);
                            }
                            String what =
                                    mode
                                            + " stride "
                                            + stride
                                            + " modulated "
                                            + modulated
                                            + " threads "
                                            + threads;
                            assertClose(
                                    DeformablePoolKernel.pool(x, off, 3, stride, mode),
                                    DeformablePool2d.sample(x, off, 3, stride, mode),
                                    what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void uniformIntegerShiftsMatchTheAutogradPath() {
        // One integer shift for the whole map: at stride 1 each tap's samples form one run of
        // consecutive input rows, cut where the shifted window leaves the image; equal logits
        // keep the run, random ones break it at every position.
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            for (Pool2d.Mode mode : Pool2d.Mode.values()) {
                for (boolean randomLogits : new boolean[] {false, true}) {
                    for (int threads : new int[] {1, 2}) {
                        JniUtils.setNumThreads(threads);
                        NDArray x = m.randomNormal(new Shape(2, 5, 8, 10));
                        float[] shift = new float[2 * 27 * 8 * 10];
                        for (int img = 0; img < 2; img++) {
                            for (int ch = 0; ch < 18; ch++) {
                                // dy = 1 (even channels), dx = -2 (odd channels) for every tap.
                                float v = ch % 2 == 0 ? 1f : -2f;
                                Arrays.fill(
                                        shift, (img * 27 + ch) * 80, (img * 27 + ch + 1) * 80, v);
                            }
                        }
                        NDArray off = m.create(shift, new Shape(2, 27, 8, 10));
                        NDArray logits =
                                randomLogits
                                        ? m.randomNormal(
                                                0f, 1f, new Shape(2, 9, 8, 10), DataType.FLOAT32)
                                        : m.full(new Shape(2, 9, 8, 10), 0.7f);
                        off.set(new NDIndex(":, 18:"), logits);
                        assertClose(
                                DeformablePoolKernel.pool(x, off, 3, 1, mode),
                                DeformablePool2d.sample(x, off, 3, 1, mode),
                                mode + " random logits " + randomLogits + " threads " + threads);
                    }
                }
            }
        }
    }

    @Test
    void vectorLoopsGiveTheBitsOfTheArrayLoops() {
        SampleLoops vector = SampleLoops.vector();
        assertNotNull(vector, "core-ops tests run with --add-modules jdk.incubator.vector");
        SampleLoops array = new ArraySampleLoops();
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(13);
            // 37 channels: whole vectors of 8 or 16 lanes and a scalar tail; offsets fractional,
            // integral (runs of rows) and zero.
            NDArray x = m.randomNormal(new Shape(2, 37, 9, 11));
            Shape offShape = new Shape(2, 27, 9, 11);
            NDArray fractional = m.randomNormal(0f, 2f, offShape, DataType.FLOAT32);
            NDArray[] offsets = {fractional, fractional.round(), m.zeros(offShape)};
            for (Pool2d.Mode mode : Pool2d.Mode.values()) {
                for (int k = 0; k < offsets.length; k++) {
                    for (int threads : new int[] {1, 2}) {
                        JniUtils.setNumThreads(threads);
                        String what = mode + " offsets " + k + " threads " + threads;
                        NDArray v = DeformablePoolKernel.pool(x, offsets[k], 3, 1, mode, vector);
                        NDArray a = DeformablePoolKernel.pool(x, offsets[k], 3, 1, mode, array);
                        assertArrayEquals(a.toFloatArray(), v.toFloatArray(), what);
                        assertClose(v, DeformablePool2d.sample(x, offsets[k], 3, 1, mode), what);
                    }
                }
            }
        }
    }

    @Test
    void theVectorLoopsAreChosenUnlessTurnedOff() {
        // The test JVMs turn them off (see the pom); a user's JVM with the module gets them.
        assertEquals("false", System.getProperty(DeformablePoolKernel.VECTOR_PROPERTY));
        assertFalse(DeformablePoolKernel.vectorized());
        assertInstanceOf(ArraySampleLoops.class, SampleLoops.fastest());
        System.clearProperty(DeformablePoolKernel.VECTOR_PROPERTY);
        try {
            assertInstanceOf(VectorSampleLoops.class, SampleLoops.fastest());
        } finally {
            System.setProperty(DeformablePoolKernel.VECTOR_PROPERTY, "false");
        }
    }

    @Test
    void channelsLastBuffersGiveTheBitsOfThePyTorchEntry() {
        // Batches of 1 and 3 on two threads split one copy's rows; 4 on two threads and any batch
        // on one split whole images, each thread copying one image at a time.
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(17);
            for (int n : new int[] {1, 3, 4}) {
                for (int threads : new int[] {1, 2}) {
                    for (Pool2d.Mode mode : Pool2d.Mode.values()) {
                        JniUtils.setNumThreads(threads);
                        NDArray x = m.randomNormal(new Shape(n, 12, 7, 9));
                        NDArray off =
                                m.randomNormal(0f, 1.5f, new Shape(n, 27, 7, 9), DataType.FLOAT32);
                        FloatBuffer in = direct(x.transpose(0, 2, 3, 1).toFloatArray());
                        FloatBuffer offsets = direct(off.toFloatArray());
                        FloatBuffer out = direct(new float[n * 7 * 9 * 12]);
                        DeformablePoolKernel.poolChannelsLast(
                                in,
                                offsets,
                                out,
                                new int[] {n, 12, 7, 9},
                                3,
                                1,
                                mode,
                                true,
                                threads);
                        float[] got = new float[out.capacity()];
                        out.get(0, got);
                        NDArray expected = DeformablePoolKernel.pool(x, off, 3, 1, mode);
                        String what = mode + " batch " + n + " threads " + threads;
                        assertArrayEquals(expected.transpose(0, 2, 3, 1).toFloatArray(), got, what);
                        NDArray reference =
                                DeformablePool2d.sample(x, off, 3, 1, mode).transpose(0, 2, 3, 1);
                        assertClose(m.create(got, reference.getShape()), reference, what);
                    }
                }
            }
        }
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer b =
                ByteBuffer.allocateDirect(values.length * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        b.put(0, values);
        return b;
    }

    @Test
    void zeroModulatedOffsetsGivePlainMaxPoolingExactly() {
        // A fresh zoo predictor: zero offsets and zero modulation logits (2·sigmoid(0) = 1).
        try (NDManager m = NDManager.newBaseManager()) {
            for (int threads : new int[] {1, 2}) {
                JniUtils.setNumThreads(threads);
                NDArray x = m.randomNormal(new Shape(2, 8, 9, 8)).sub(1);
                NDArray off = m.zeros(new Shape(2, 27, 9, 8));
                NDArray kernel = DeformablePoolKernel.pool(x, off, 3, 1, Pool2d.Mode.MAX);
                NDArray plain = Pool2d.pool(x, Pool2d.Mode.MAX, 3, 1, 1);
                assertArrayEquals(
                        plain.toFloatArray(), kernel.toFloatArray(), "threads " + threads);
            }
        }
    }

    @Test
    void twoThreadsGiveTheSameBitsAsOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(4, 16, 11, 13));
            NDArray off = m.randomNormal(0f, 1f, new Shape(4, 18, 11, 13), DataType.FLOAT32);
            for (Pool2d.Mode mode : Pool2d.Mode.values()) {
                JniUtils.setNumThreads(1);
                float[] one = DeformablePoolKernel.pool(x, off, 3, 1, mode).toFloatArray();
                JniUtils.setNumThreads(2);
                float[] two = DeformablePoolKernel.pool(x, off, 3, 1, mode).toFloatArray();
                assertArrayEquals(one, two, mode.toString());
            }
        }
    }

    @Test
    void zeroOffsetsGivePlainMaxPoolingExactly() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int stride : new int[] {1, 2}) {
                Shape in = new Shape(2, 6, 9, 8);
                NDArray x = m.randomNormal(in).sub(1);
                long ho = Checks.windowOut(9, 3, stride, 1);
                long wo = Checks.windowOut(8, 3, stride, 1);
                NDArray off = m.zeros(new Shape(2, 18, ho, wo));
                NDArray kernel = DeformablePoolKernel.pool(x, off, 3, stride, Pool2d.Mode.MAX);
                NDArray plain = Pool2d.pool(x, Pool2d.Mode.MAX, 3, stride, 1);
                assertArrayEquals(plain.toFloatArray(), kernel.toFloatArray(), "stride " + stride);
                NDArray avg = DeformablePoolKernel.pool(x, off, 3, stride, Pool2d.Mode.AVG);
                assertClose(avg, Pool2d.pool(x, Pool2d.Mode.AVG, 3, stride, 1), "avg " + stride);
            }
        }
    }

    @Test
    void channelsLastInputAndNonContiguousOffsetsAreRead() {
        try (NDManager m = NDManager.newBaseManager()) {
            // A channels-last view (the kernel's own output layout) and offsets sliced out of a
            // larger tensor: both must be read by their logical layout.
            NDArray x = m.randomNormal(new Shape(2, 7, 6, 5)).transpose(0, 3, 1, 2);
            NDArray off =
                    m.randomNormal(0f, 1f, new Shape(2, 30, 7, 6), DataType.FLOAT32).get(":, 3:21");
            for (Pool2d.Mode mode : Pool2d.Mode.values()) {
                assertClose(
                        DeformablePoolKernel.pool(x, off, 3, 1, mode),
                        DeformablePool2d.sample(x, off, 3, 1, mode),
                        mode.toString());
            }
        }
    }

    @Test
    void blockUsesTheKernelInInferenceAndTheAutogradPathInTraining() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(2, 4, 6, 6);
            DeformablePool2d pool =
                    Fixtures.init(DeformablePool2d.builder().setChannels(4).build(), m, in);
            NDArray b = pool.getOffsetConv().getParameters().get("bias").getArray();
            b.set(m.randomNormal(0f, 0.8f, new Shape(18), DataType.FLOAT32).toFloatArray());
            NDArray x = m.randomNormal(in);
            NDArray inference = Fixtures.forward(pool, x, false);
            NDArray training = Fixtures.forward(pool, x, true);
            assertClose(inference, training, "inference (kernel) vs training (autograd path)");
        }
    }

    @Test
    void refusesFloat64AndWrongOffsets() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, 2, 5, 5));
            assertThrows(
                    IllegalArgumentException.class,
                    () ->
                            DeformablePoolKernel.pool(
                                    x.toType(DataType.FLOAT64, false),
                                    m.zeros(new Shape(1, 18, 5, 5), DataType.FLOAT64),
                                    3,
                                    1,
                                    Pool2d.Mode.MAX));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    DeformablePoolKernel.pool(
                                            x,
                                            m.zeros(new Shape(1, 17, 5, 5)),
                                            3,
                                            1,
                                            Pool2d.Mode.MAX));
            assertTrue(e.getMessage().contains("(1, 18, 5, 5)"), e.getMessage());
        }
    }
}
