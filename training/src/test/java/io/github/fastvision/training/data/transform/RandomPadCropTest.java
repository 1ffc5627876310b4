package io.github.fastvision.training.data.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomPadCropTest {

    @Test
    void shiftsContentByAtMostThePaddingAndFillsWithZeros() {
        // A single bright pixel at (5, 5) of a 10x10 image.
        float[] px = new float[100];
        px[55] = 1f;
        FloatImage image = new FloatImage(px, 1, 10, 10);
        RandomPadCrop step = new RandomPadCrop(2);
        Random random = new Random(7);
        Set<Integer> positions = new HashSet<>();
        for (int i = 0; i < 400; i++) {
            FloatImage out = step.apply(image, random);
            float sum = 0;
            int at = -1;
            for (int p = 0; p < 100; p++) {
                sum += out.data()[p];
                if (out.data()[p] == 1f) {
                    at = p;
                }
            }
            assertEquals(1f, sum, 0f, "one pixel, moved, never resampled");
            int y = at / 10;
            int x = at % 10;
            assertTrue(
                    Math.abs(y - 5) <= 2 && Math.abs(x - 5) <= 2,
                    "shift within ±2: " + y + "," + x);
            positions.add(at);
        }
        assertEquals(25, positions.size(), "all 5x5 shifts occur");
        float[] ones = new float[100];
        Arrays.fill(ones, 1f);
        FloatImage shifted = null;
        for (int i = 0; i < 20 && shifted == null; i++) {
            FloatImage o = step.apply(new FloatImage(ones, 1, 10, 10), random);
            float s = 0;
            for (float v : o.data()) {
                s += v;
            }
            if (s < 100) {
                shifted = o;
            }
        }
        assertTrue(shifted != null, "content moved out of the window is replaced by zeros");
        assertSame(image, new RandomPadCrop(0).apply(image, random));
        assertThrows(IllegalArgumentException.class, () -> new RandomPadCrop(-1));
    }
}
