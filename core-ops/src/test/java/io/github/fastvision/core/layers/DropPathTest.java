package io.github.fastvision.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class DropPathTest {

    @Test
    void identityAtInference() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(4, 3, 2, 2));
            assertSame(x, DropPath.apply(x, 0.5f, false));
        }
    }

    @Test
    void dropsWholeSamplesAndRescalesSurvivors() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 400;
            NDArray x = m.ones(new Shape(n, 3, 2, 2));
            NDArray y = DropPath.apply(x, 0.25f, true);
            float[] v = y.toFloatArray();
            int dropped = 0;
            for (int s = 0; s < n; s++) {
                float first = v[s * 12];
                for (int k = 1; k < 12; k++) {
                    assertEquals(
                            first, v[s * 12 + k], "sample " + s + " is not dropped as a whole");
                }
                assertTrue(first == 0f || Math.abs(first - 1f / 0.75f) < 1e-6, "value " + first);
                dropped += first == 0f ? 1 : 0;
            }
            // Binomial(400, 0.25): mean 100, sd 8.7.
            assertTrue(dropped > 60 && dropped < 140, "dropped " + dropped + " of " + n);
            assertEquals(1.0, y.mean().getFloat(), 0.15, "drop path must keep the expectation");
        }
    }

    @Test
    void rejectsInvalidRate() {
        assertThrows(IllegalArgumentException.class, () -> new DropPath(1f));
        assertThrows(IllegalArgumentException.class, () -> new DropPath(-0.1f));
    }
}
