package io.github.fastvision.core.pflayer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import io.github.fastvision.core.Fixtures;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.Pool2d;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeformablePool2dTest {

    @BeforeEach
    void inferenceThread() {
        Autograd.disable();
    }

    @Test
    void zeroOffsetsEqualPlainPooling() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Pool2d.Mode mode : Pool2d.Mode.values()) {
                for (int stride : new int[] {1, 2}) {
                    for (Shape in : new Shape[] {new Shape(2, 8, 9, 9), new Shape(1, 8, 6, 7)}) {
                        for (boolean modulated : new boolean[] {false, true}) {
                            DeformablePool2d pool =
                                    Fixtures.init(
                                            DeformablePool2d.builder()
                                                    .setChannels(8)
                                                    .optStride(stride)
                                                    .optMode(mode)
                                                    .optModulation(modulated)
                                                    .build(),
                                            m,
                                            in);
                            // Negative inputs make the −∞ padding convention of max-pool matter.
                            NDArray x = m.randomNormal(in).sub(1);
                            NDArray expected = Pool2d.pool(x, mode, 3, stride, 1);
                            NDArray actual = Fixtures.forward(pool, x, false);
                            assertEquals(expected.getShape(), actual.getShape());
                            double err = Fixtures.maxAbs(actual.sub(expected));
                            assertTrue(
                                    err < 1e-6,
                                    mode
                                            + " stride "
                                            + stride
                                            + " "
                                            + in
                                            + " modulated "
                                            + modulated
                                            + ": "
                                            + err);
                        }
                    }
                }
            }
        }
    }

    @Test
    void aParentsInitializersLeaveTheOffsetPredictorAtZero() {
        // DJL's setInitializer on a parent sets every nested parameter directly, never through
        // the pool's override: ResNet's Kaiming init of all weights used to reach the predictor.
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(2, 8, 14, 14);
            DeformablePool2d pool =
                    DeformablePool2d.builder().setChannels(8).optModulation(true).build();
            SequentialBlock parent = new SequentialBlock().add(pool);
            parent.setInitializer(
                    new XavierInitializer(
                            XavierInitializer.RandomType.GAUSSIAN,
                            XavierInitializer.FactorType.OUT,
                            2),
                    Parameter.Type.WEIGHT);
            parent.setInitializer(new NormalInitializer(1f), Parameter.Type.BIAS);
            Fixtures.init(parent, m, in);
            for (Pair<String, Parameter> p : pool.getOffsetConv().getParameters()) {
                assertEquals(
                        0.0, Fixtures.maxAbs(p.getValue().getArray()), p.getKey() + " not zero");
            }
            NDArray x = m.randomNormal(in).sub(1);
            NDArray expected = Pool2d.pool(x, Pool2d.Mode.MAX, 3, 1, 1);
            // The inference kernel is plain max pooling bit for bit at zero offsets; the
            // libtorch (training) path within rounding.
            assertEquals(0.0, Fixtures.maxAbs(Fixtures.forward(parent, x, false).sub(expected)));
            NDArray offsets =
                    pool.getOffsetConv()
                            .forward(new ParameterStore(m, false), new NDList(x), false)
                            .singletonOrThrow();
            NDArray sampled = DeformablePool2d.sample(x, offsets, 3, 1, Pool2d.Mode.MAX);
            assertTrue(Fixtures.maxAbs(sampled.sub(expected)) < 1e-6, "libtorch path");
        }
    }

    /** Sets the offset predictor to a constant displacement (dy, dx) for every tap. */
    private static void constantOffsets(DeformablePool2d pool, NDManager m, float dy, float dx) {
        NDArray w = pool.getOffsetConv().getParameters().get("weight").getArray();
        w.set(new float[(int) w.size()]);
        NDArray b = pool.getOffsetConv().getParameters().get("bias").getArray();
        float[] bias = new float[(int) b.size()];
        for (int t = 0; t < bias.length / 2; t++) {
            bias[2 * t] = dy;
            bias[2 * t + 1] = dx;
        }
        b.set(bias);
    }

    @Test
    void integerOffsetOfOneEqualsShiftedInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(2, 4, 7, 8);
            NDArray x = m.randomNormal(in);
            for (Pool2d.Mode mode : Pool2d.Mode.values()) {
                DeformablePool2d pool =
                        Fixtures.init(
                                DeformablePool2d.builder().setChannels(4).optMode(mode).build(),
                                m,
                                in);
                // Padding that max-pool ignores (−∞ in effect) and avg-pool counts as zero.
                double fill = mode == Pool2d.Mode.MAX ? -1e9 : 0;
                // dx = +1: window j covers columns j..j+2 instead of j−1..j+1, i.e. plain
                // pooling without left padding over the input padded by two columns on the right.
                constantOffsets(pool, m, 0f, 1f);
                NDArray expected = Pool2d.pool(x.pad(new Shape(0, 2, 1, 1), fill), mode, 3, 1, 0);
                double err = Fixtures.maxAbs(Fixtures.forward(pool, x, false).sub(expected));
                assertTrue(err < 1e-5, mode + " dx=+1: " + err);

                constantOffsets(pool, m, 1f, 0f);
                NDArray expectedUp = Pool2d.pool(x.pad(new Shape(1, 1, 0, 2), fill), mode, 3, 1, 0);
                double errUp = Fixtures.maxAbs(Fixtures.forward(pool, x, false).sub(expectedUp));
                assertTrue(errUp < 1e-5, mode + " dy=+1: " + errUp);
            }
        }
    }

    @Test
    void halfPixelOffsetInterpolatesBilinearly() {
        try (NDManager m = NDManager.newBaseManager()) {
            // One channel, 1×1 window: the output is the input sampled at (i + 0.5, j).
            NDArray x = m.create(new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8}, new Shape(1, 1, 3, 3));
            NDArray offsets = m.zeros(new Shape(1, 2, 3, 3));
            offsets.set(new NDIndex("0, 0"), 0.5f);
            NDArray y = DeformablePool2d.sample(x, offsets, 1, 1, Pool2d.Mode.AVG);
            // Rows 0, 1 interpolate to the next row; row 2 mixes with the zero outside.
            float[] expected = {1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 3f, 3.5f, 4f};
            float[] actual = y.toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-6, "position " + i);
            }
        }
    }

    @Test
    void largeBatchesAreSampledInChunksWithIdenticalResults() {
        try (NDManager m = NDManager.newBaseManager()) {
            // A budget of 2^15 samples holds 32768 / (4 · 9 · 16 · 16) = 3 images per chunk, so
            // 8 images take three chunks, the last one short.
            long budget = 1L << 15;
            Shape in = new Shape(8, 4, 16, 16);
            NDArray x = m.randomNormal(in);
            NDArray offsets = m.randomNormal(0f, 0.7f, new Shape(8, 18, 16, 16), DataType.FLOAT32);
            NDArray chunked = DeformablePool2d.sample(x, offsets, 3, 1, Pool2d.Mode.MAX, budget);
            NDArray direct = DeformablePool2d.sample(x, offsets, 3, 1, Pool2d.Mode.MAX);
            assertEquals(in, chunked.getShape());
            assertEquals(0.0, Fixtures.maxAbs(chunked.sub(direct)));
        }
    }

    @Test
    void modulationScalesEverySample() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(1, 4, 6, 6);
            DeformablePool2d pool =
                    Fixtures.init(
                            DeformablePool2d.builder()
                                    .setChannels(4)
                                    .optMode(Pool2d.Mode.AVG)
                                    .optModulation(true)
                                    .build(),
                            m,
                            in);
            NDArray b = pool.getOffsetConv().getParameters().get("bias").getArray();
            float[] bias = new float[27];
            // sigmoid(ln(1/3)) = 1/4, so each sample is scaled by 2 · 1/4 = 1/2.
            for (int t = 18; t < 27; t++) {
                bias[t] = (float) Math.log(1.0 / 3);
            }
            b.set(bias);
            NDArray x = m.randomNormal(in);
            NDArray expected = Pool2d.pool(x, Pool2d.Mode.AVG, 3, 1, 1).mul(0.5);
            assertTrue(Fixtures.maxAbs(Fixtures.forward(pool, x, false).sub(expected)) < 1e-6);
        }
    }

    /** loss = Σ R ⊙ pool(x, conv(x; w, b)) in float64, the function the gradient check uses. */
    private static NDArray loss(NDArray x, NDArray w, NDArray b, NDArray r, Pool2d.Mode mode) {
        NDArray offsets =
                Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
                        .singletonOrThrow();
        return DeformablePool2d.sample(x, offsets, 3, 1, mode).mul(r).sum();
    }

    @Test
    void finiteDifferenceGradientsMatchAutograd() {
        for (Pool2d.Mode mode : Pool2d.Mode.values()) {
            for (int channels : new int[] {18, 27}) {
                try (NDManager m = NDManager.newBaseManager()) {
                    Engine.getInstance().setRandomSeed(11);
                    NDArray x =
                            m.randomNormal(new Shape(1, 2, 5, 5)).toType(DataType.FLOAT64, false);
                    NDArray w =
                            m.randomNormal(0f, 0.3f, new Shape(channels, 2, 3, 3), DataType.FLOAT32)
                                    .toType(DataType.FLOAT64, false);
                    NDArray b =
                            m.randomNormal(0f, 0.7f, new Shape(channels), DataType.FLOAT32)
                                    .toType(DataType.FLOAT64, false);
                    NDArray r =
                            m.randomNormal(new Shape(1, 2, 5, 5)).toType(DataType.FLOAT64, false);
                    x.setRequiresGradient(true);
                    w.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(loss(x, w, b, r, mode));
                    }
                    double[] gx = x.getGradient().toDoubleArray();
                    double[] gw = w.getGradient().toDoubleArray();
                    double[] xv = x.toDoubleArray();
                    double[] wv = w.toDoubleArray();
                    Random rnd = new Random(3);
                    double eps = 1e-6;
                    for (int k = 0; k < 8; k++) {
                        int i = rnd.nextInt(xv.length);
                        double numeric =
                                central(
                                        m,
                                        xv,
                                        i,
                                        eps,
                                        a -> loss(a, w.stopGradient(), b, r, mode),
                                        x.getShape());
                        assertClose(gx[i], numeric, mode + " dL/dx[" + i + "]");
                        int j = rnd.nextInt(wv.length);
                        double numericW =
                                central(
                                        m,
                                        wv,
                                        j,
                                        eps,
                                        a -> loss(x.stopGradient(), a, b, r, mode),
                                        w.getShape());
                        assertClose(gw[j], numericW, mode + " dL/dw[" + j + "]");
                    }
                    assertTrue(
                            Fixtures.maxAbs(w.getGradient()) > 0,
                            "offset predictor got no gradient");
                }
            }
        }
    }

    private static double central(
            NDManager m,
            double[] values,
            int index,
            double eps,
            java.util.function.Function<NDArray, NDArray> f,
            Shape shape) {
        double[] plus = values.clone();
        plus[index] += eps;
        double[] minus = values.clone();
        minus[index] -= eps;
        double up = f.apply(m.create(plus, shape)).getDouble();
        double down = f.apply(m.create(minus, shape)).getDouble();
        return (up - down) / (2 * eps);
    }

    private static void assertClose(double analytic, double numeric, String what) {
        double tol = 1e-5 + 1e-4 * Math.abs(numeric);
        assertEquals(numeric, analytic, tol, what);
    }
}
