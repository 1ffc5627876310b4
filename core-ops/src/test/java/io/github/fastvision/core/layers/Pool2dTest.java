package io.github.fastvision.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import io.github.fastvision.core.Fixtures;
import org.junit.jupiter.api.Test;

/** The separable max-pool equals libtorch's max_pool2d exactly, for every odd kernel and stride. */
class Pool2dTest {

    @Test
    void separableMaxEqualsNativeMaxPool() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Shape in :
                    new Shape[] {
                        new Shape(2, 5, 9, 9), new Shape(1, 3, 8, 11), new Shape(1, 4, 1, 1)
                    }) {
                NDArray x = m.randomNormal(in).sub(2);
                for (int kernel : new int[] {3, 5}) {
                    for (int stride : new int[] {1, 2, 3}) {
                        NDArray expected =
                                Pool.maxPool2d(
                                        x,
                                        new Shape(kernel, kernel),
                                        new Shape(stride, stride),
                                        new Shape(kernel / 2, kernel / 2),
                                        false);
                        NDArray actual =
                                Pool2d.pool(x, Pool2d.Mode.MAX, kernel, stride, kernel / 2);
                        assertEquals(
                                expected.getShape(),
                                actual.getShape(),
                                in + " k" + kernel + " s" + stride);
                        assertEquals(
                                0.0,
                                Fixtures.maxAbs(actual.sub(expected)),
                                in + " k" + kernel + " s" + stride);
                    }
                }
            }
        }
    }
}
