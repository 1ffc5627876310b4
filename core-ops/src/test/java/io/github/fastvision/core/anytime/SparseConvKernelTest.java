package io.github.fastvision.core.anytime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import io.github.fastvision.core.layers.Autograd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java gather/scatter of {@link SparseConv#conv2d} against libtorch's and the dense conv. */
class SparseConvKernelTest {

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

    @Test
    void javaGatherEqualsLibtorchGatherAndDenseMaskedAtEveryDensity() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(7);
            // 600 computed positions at density 1 span several gather chunks.
            NDArray x = m.randomNormal(new Shape(3, 6, 13, 17));
            for (int[] ks : new int[][] {{3, 1}, {3, 2}, {1, 1}, {5, 1}}) {
                int k = ks[0];
                int s = ks[1];
                int p = (k - 1) / 2;
                NDArray w = m.randomNormal(new Shape(5, 6, k, k));
                NDArray b = m.randomNormal(new Shape(5));
                NDArray dense =
                        Conv2d.conv2d(x, w, b, new Shape(s, s), new Shape(p, p)).singletonOrThrow();
                Shape ds = dense.getShape();
                NDArray conf = m.randomUniform(0, 1, new Shape(3, ds.get(2), ds.get(3)));
                // Threshold 1e-9: nothing computed; 0.3 and 0.8: partial; 1: everything.
                for (float threshold : new float[] {1e-9f, 0.3f, 0.8f, 1f}) {
                    for (int threads : new int[] {1, 2}) {
                        JniUtils.setNumThreads(threads);
                        try (SpatialMask mask = SpatialMask.fromConfidence(conf, threshold)) {
                            SpatialMask.Level level = mask.at(ds.get(2), ds.get(3));
                            NDArray java = SparseConv.conv2d(x, w, b, s, p, level);
                            NDArray torch = SparseConv.conv2dLibtorch(x, w, b, s, p, level);
                            String what =
                                    "k "
                                            + k
                                            + " s "
                                            + s
                                            + " t "
                                            + threshold
                                            + " threads "
                                            + threads;
                            assertEquals(ds, java.getShape(), what);
                            // Same patches, same matrix product: the same bits.
                            assertArrayEquals(torch.toFloatArray(), java.toFloatArray(), what);
                            NDArray expected = dense.mul(level.compute());
                            assertTrue(expected.sub(java).abs().max().getFloat() < 1e-4, what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void noComputedPositionGivesZeros() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, 2, 4, 4));
            NDArray w = m.randomNormal(new Shape(3, 2, 3, 3));
            try (SpatialMask mask = SpatialMask.fromConfidence(m.ones(new Shape(1, 4, 4)), 0.5f)) {
                NDArray y = SparseConv.conv2d(x, w, null, 1, 1, mask.at(4, 4));
                assertEquals(new Shape(1, 3, 4, 4), y.getShape());
                assertEquals(0f, y.abs().max().getFloat());
            }
        }
    }
}
