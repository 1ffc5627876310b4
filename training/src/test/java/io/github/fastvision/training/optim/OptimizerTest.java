package io.github.fastvision.training.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.training.recipe.OptimizerKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Optimizers against the same updates computed by hand in double precision (PyTorch's formulas).
 */
class OptimizerTest {

    private static final float[] W0 = {0.5f, -1.0f};
    private static final float[][] GRADS = {{0.2f, -0.4f}, {-0.1f, 0.3f}, {0.05f, 0.05f}};

    private static double[] run(OptimizerKind kind, float lr, double wd) {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(W0, new Shape(1, 2));
            w.setRequiresGradient(true);
            Optimizer opt =
                    Optimizer.create(kind, List.of(new TrainableParameter("w", w, true)), wd);
            for (float[] g : GRADS) {
                NDArray target = m.create(g, new Shape(1, 2));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(w.mul(target).sum()); // d/dw = target
                }
                opt.step(lr);
            }
            assertEquals(
                    0f, w.getGradient().abs().sum().getFloat(), "gradients zeroed after the step");
            float[] out = w.toFloatArray();
            return new double[] {out[0], out[1]};
        }
    }

    @Test
    void sgdNesterovMatchesPyTorchFormula() {
        double lr = 0.1;
        double wd = 0.01;
        double mu = 0.9;
        double[] w = {W0[0], W0[1]};
        double[] buf = new double[2];
        for (float[] g : GRADS) {
            for (int i = 0; i < 2; i++) {
                double gi = g[i] + wd * w[i];
                buf[i] = mu * buf[i] + gi;
                w[i] -= lr * (gi + mu * buf[i]);
            }
        }
        double[] got = run(OptimizerKind.SGD_NESTEROV, (float) lr, wd);
        assertEquals(w[0], got[0], 1e-6);
        assertEquals(w[1], got[1], 1e-6);
    }

    @Test
    void adamWMatchesPyTorchFormula() {
        double lr = 0.01;
        double wd = 0.05;
        double[] w = {W0[0], W0[1]};
        double[] m1 = new double[2];
        double[] m2 = new double[2];
        int t = 0;
        for (float[] g : GRADS) {
            t++;
            for (int i = 0; i < 2; i++) {
                w[i] *= 1 - lr * wd;
                m1[i] = 0.9 * m1[i] + 0.1 * g[i];
                m2[i] = 0.999 * m2[i] + 0.001 * g[i] * g[i];
                double denom = Math.sqrt(m2[i]) / Math.sqrt(1 - Math.pow(0.999, t)) + 1e-8;
                w[i] -= lr / (1 - Math.pow(0.9, t)) * m1[i] / denom;
            }
        }
        double[] got = run(OptimizerKind.ADAMW, (float) lr, wd);
        assertEquals(w[0], got[0], 1e-6);
        assertEquals(w[1], got[1], 1e-6);
    }

    @Test
    void weightDecaySkipsNormsAndBiasesAndClippingBoundsTheNorm() {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            Block b =
                    new SequentialBlock()
                            .add(
                                    Conv2d.builder()
                                            .setKernelShape(new Shape(3, 3))
                                            .setFilters(4)
                                            .build())
                            .add(BatchNorm.builder().build());
            b.initialize(m, DataType.FLOAT32, new Shape(2, 1, 5, 5));
            List<TrainableParameter> params = TrainableParameter.of(b);
            assertEquals(
                    4,
                    params.size(),
                    "conv weight and bias, BN gamma and beta (not the running stats)");
            for (TrainableParameter p : params) {
                assertEquals(p.array().getShape().dimension() > 1, p.decay(), p.name());
            }
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y =
                        b.forward(
                                        new ParameterStore(m, false),
                                        new NDList(m.randomNormal(new Shape(2, 1, 5, 5))),
                                        true)
                                .singletonOrThrow();
                gc.backward(y.square().sum().mul(100));
            }
            double before = GradientClipping.clip(params, 0);
            assertTrue(before > 1.0, "large gradient " + before);
            assertEquals(before, GradientClipping.clip(params, 1.0), 1e-3 * before);
            assertEquals(1.0, GradientClipping.clip(params, 0), 1e-4);
        }
    }

    @Test
    void emaAveragesAndSwapsBack() {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            Block b =
                    Conv2d.builder()
                            .setKernelShape(new Shape(1, 1))
                            .setFilters(1)
                            .optBias(false)
                            .build();
            b.initialize(m, DataType.FLOAT32, new Shape(1, 1, 1, 1));
            NDArray w = b.getParameters().get(0).getValue().getArray();
            w.muli(0).addi(1f);
            ModelEma ema = new ModelEma(b, 0.5);
            w.muli(0).addi(3f);
            ema.update(100); // decay min(0.5, 101/110) = 0.5 → 0.5·1 + 0.5·3
            ema.swap();
            assertEquals(2f, w.getFloat(0, 0, 0, 0), 1e-6);
            ema.swap();
            assertEquals(3f, w.getFloat(0, 0, 0, 0), 1e-6);
            assertFalse(ema.state().isEmpty());
        }
    }
}
