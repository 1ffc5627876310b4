package io.github.fastvision.core.anytime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.ChildBlocks;
import org.junit.jupiter.api.Test;

class AnytimeOpsTest {

    @Test
    void rbfInterpolationMatchesHandComputedCase() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 3x3 map, radius 1, λ = 1. Skipped (mask 0): the centre (1,1) and the corner (0,0).
            float[] f = {0, 2, 3, 4, 0, 6, 7, 8, 9};
            float[] keep = {0, 1, 1, 1, 0, 1, 1, 1, 1};
            NDArray sparse = m.create(f, new Shape(1, 1, 3, 3));
            NDArray compute = m.create(keep, new Shape(1, 1, 3, 3));
            NDArray out = RbfInterpolation.fill(sparse, compute, m.create(new float[] {1f}), 1);
            float[] o = out.toFloatArray();
            double e1 = Math.exp(-1);
            double e2 = Math.exp(-2);
            // Centre: edge neighbours 2, 4, 6, 8 at distance 1; corners 0 (skipped), 3, 7, 9 at √2.
            double centre = (e1 * (2 + 4 + 6 + 8) + e2 * (0 + 3 + 7 + 9)) / (4 * e1 + 4 * e2);
            // Corner (0,0): neighbours (0,1)=2 and (1,0)=4 at distance 1, (1,1)=0 (skipped) at √2;
            // the skipped neighbour still counts in the denominator.
            double corner = (e1 * (2 + 4) + e2 * 0) / (2 * e1 + e2);
            assertEquals(centre, o[4], 1e-5);
            assertEquals(corner, o[0], 1e-5);
            for (int i : new int[] {1, 2, 3, 5, 6, 7, 8}) {
                assertEquals(f[i], o[i], 0f, "computed positions are kept");
            }
        }
    }

    @Test
    void matrixAndConvolutionWindowSumsAgree() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray f = m.randomNormal(new Shape(2, 3, 20, 11));
            RbfFilter filter = new RbfFilter(m.create(new float[] {0.6f}), 7, m);
            NDArray a = filter.windowSumMatmul(f);
            NDArray b = filter.windowSumDepthwise(f);
            assertTrue(a.sub(b).abs().max().getFloat() < 1e-4);
            // Spot check one position against the definition.
            float[] v = f.toFloatArray();
            double expected = 0;
            int y = 4;
            int x = 9;
            for (int dy = -7; dy <= 7; dy++) {
                for (int dx = -7; dx <= 7; dx++) {
                    int yy = y + dy;
                    int xx = x + dx;
                    if (yy >= 0 && yy < 20 && xx >= 0 && xx < 11) {
                        expected += Math.exp(-0.36 * (dx * dx + dy * dy)) * v[yy * 11 + xx];
                    }
                }
            }
            assertEquals(expected, a.getFloat(0, 0, y, x), 1e-4);
        }
    }

    @Test
    void rbfInterpolationTrainsLambda() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray lambda = m.create(new float[] {0.7f});
            lambda.setRequiresGradient(true);
            NDArray sparse = m.randomUniform(0, 1, new Shape(1, 2, 8, 8));
            NDArray compute =
                    m.randomUniform(0, 1, new Shape(1, 1, 8, 8))
                            .gt(0.5)
                            .toType(DataType.FLOAT32, false);
            try (ai.djl.training.GradientCollector gc =
                    ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                NDArray out = RbfInterpolation.fill(sparse.mul(compute), compute, lambda, 7);
                gc.backward(out.sum());
            }
            assertTrue(Math.abs(lambda.getGradient().getFloat()) > 1e-6, "λ receives a gradient");
        }
    }

    @Test
    void sparseConvolutionEqualsDenseAtActivePositions() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomNormal(new Shape(2, 5, 11, 9));
            for (int[] ks : new int[][] {{3, 1}, {3, 2}, {1, 1}}) {
                int k = ks[0];
                int s = ks[1];
                int p = (k - 1) / 2;
                NDArray w = m.randomNormal(new Shape(7, 5, k, k));
                NDArray b = m.randomNormal(new Shape(7));
                NDArray dense =
                        Conv2d.conv2d(x, w, b, new Shape(s, s), new Shape(p, p)).singletonOrThrow();
                Shape ds = dense.getShape();
                NDArray conf = m.randomUniform(0, 1, new Shape(2, ds.get(2), ds.get(3)));
                try (SpatialMask mask = SpatialMask.fromConfidence(conf, 0.6f)) {
                    SpatialMask.Level level = mask.at(ds.get(2), ds.get(3));
                    assertTrue(level.activeCount() > 0 && level.skippedCount() > 0);
                    NDArray sparse = SparseConv.conv2d(x, w, b, s, p, level);
                    assertEquals(ds, sparse.getShape());
                    NDArray expected = dense.mul(level.compute());
                    assertTrue(
                            expected.sub(sparse).abs().max().getFloat() < 1e-4,
                            "kernel " + k + " stride " + s);
                }
            }
        }
    }

    @Test
    void maskedConvSparseAndDenseContextsAgreeAndCountOnlyActivePositions() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            MaskedConv2d conv =
                    MaskedConv2d.builder().setInChannels(4).setOutChannels(6).setKernel(3).build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 4, 10, 10));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 4, 10, 10));
            NDArray conf = m.randomUniform(0, 1, new Shape(2, 10, 10));
            try (SpatialMask mask = SpatialMask.fromConfidence(conf, 0.5f)) {
                AnytimeContext sparse =
                        AnytimeContext.builder().optSparse(true).optRadius(7).build();
                sparse.setMaxSparseDensity(1.0);
                AnytimeContext dense =
                        AnytimeContext.builder().optSparse(false).optRadius(7).build();
                sparse.setMask(mask);
                dense.setMask(mask);
                NDArray a = conv.forward(ps, x, false, sparse);
                NDArray b = conv.forward(ps, x, false, dense);
                assertTrue(a.sub(b).abs().max().getFloat() < 1e-4);
                // The training formula (uncached kernel and denominators) gives the same map.
                AnytimeContext training =
                        AnytimeContext.builder().optSparse(false).optRadius(7).build();
                training.setMask(mask);
                NDArray t = conv.forward(ps, x, true, training);
                assertTrue(a.sub(t).abs().max().getFloat() < 1e-4);
                long active = mask.at(10, 10).activeCount();
                long skipped = 200 - active;
                long expected = active * 9 * 4 * 6 + RbfInterpolation.macs(6, skipped, 7);
                assertEquals(expected, sparse.macs());
                assertEquals(expected, dense.macs());
                NDArray plain = ChildBlocks.forward(conv, ps, x, false);
                NDArray keep = mask.at(10, 10).compute();
                assertTrue(
                        plain.mul(keep).sub(a.mul(keep)).abs().max().getFloat() < 1e-4,
                        "computed positions equal the unmasked convolution");
            }
        }
    }

    @Test
    void fullyConfidentMaskSkipsEverythingAndThresholdOneSkipsNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            MaskedConv2d conv =
                    MaskedConv2d.builder()
                            .setInChannels(2)
                            .setOutChannels(3)
                            .setKernel(3)
                            .optBias(false)
                            .build();
            conv.initialize(m, DataType.FLOAT32, new Shape(1, 2, 6, 6));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(1, 2, 6, 6));
            // Logits with a huge margin: softmax is exactly 1 in float32.
            NDArray logits =
                    m.zeros(new Shape(1, 3, 6, 6)).concat(m.full(new Shape(1, 1, 6, 6), 100f), 1);
            try (SpatialMask confident = SpatialMask.fromLogits(logits, 0.998f);
                    SpatialMask off = SpatialMask.fromLogits(logits, 1.0f)) {
                assertEquals(0, confident.base().activeCount());
                AnytimeContext ctx = AnytimeContext.builder().optSparse(true).optRadius(7).build();
                ctx.setMask(confident);
                NDArray y = conv.forward(ps, x, false, ctx);
                assertEquals(0f, y.abs().sum().getFloat(), 0f);
                assertEquals(0, ctx.macs());
                NDArray previous = m.randomNormal(new Shape(1, 4, 6, 6));
                NDArray current = m.randomNormal(new Shape(1, 4, 6, 6));
                assertArrayEquals(
                        previous.toFloatArray(),
                        confident.carryOver(previous, current).toFloatArray());

                assertEquals(36, off.base().activeCount());
                AnytimeContext on = AnytimeContext.builder().optSparse(true).optRadius(7).build();
                on.setMask(off);
                assertArrayEquals(
                        ChildBlocks.forward(conv, ps, x, false).toFloatArray(),
                        conv.forward(ps, x, false, on).toFloatArray(),
                        1e-5f);
                assertArrayEquals(
                        current.toFloatArray(), off.carryOver(previous, current).toFloatArray());
            }
        }
    }

    @Test
    void maskResizesByNearestNeighbourAndRejectsBadInput() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] c = new float[16];
            c[0] = 1f; // only (0,0) confident
            c[10] = 1f; // (2,2)
            try (SpatialMask mask =
                    SpatialMask.fromConfidence(m.create(c, new Shape(1, 4, 4)), 0.9f)) {
                // 2x2 picks rows/cols 0 and 2: (0,0) and (1,1) skipped.
                assertArrayEquals(new float[] {0, 1, 1, 0}, mask.at(2, 2).compute().toFloatArray());
                assertEquals(14, mask.base().activeCount());
            }
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> SpatialMask.fromLogits(m.zeros(new Shape(2, 3)), 0.5f));
            assertTrue(e.getMessage().contains("(N, K, H, W)"));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> SpatialMask.fromLogits(m.zeros(new Shape(1, 2, 3, 3)), 0f));
        }
    }
}
