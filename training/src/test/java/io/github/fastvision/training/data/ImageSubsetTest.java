package io.github.fastvision.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageSubsetTest {

    @Test
    void keepsTheUnexcludedImagesInOrderWithTheirLabelsAndPixels() {
        byte[] px = new byte[5 * 4];
        for (int i = 0; i < 5; i++) {
            java.util.Arrays.fill(px, i * 4, i * 4 + 4, (byte) (10 * i + 10));
        }
        InMemoryDataset source =
                InMemoryDataset.builder()
                        .setPixels(px)
                        .setLabels(new int[] {0, 1, 2, 0, 1})
                        .setImageShape(1, 2, 2)
                        .setClasses(List.of("x", "y", "z"))
                        .optDescription("five")
                        .build();
        BitSet out = new BitSet();
        out.set(1);
        out.set(3);
        ImageSubset sub = ImageSubset.excluding(source, out);
        assertEquals(3, sub.size());
        int[] expected = {0, 2, 4};
        float[] dst = new float[4];
        for (int i = 0; i < 3; i++) {
            assertEquals(expected[i], sub.sourceIndex(i));
            assertEquals(source.label(expected[i]), sub.label(i));
            sub.pixels(i, dst);
            assertEquals((10 * expected[i] + 10) / 255f, dst[3], 1e-7f);
        }
        assertEquals(List.of("x", "y", "z"), sub.classes());
        assertEquals("3 of five (2 held back)", sub.describe());

        BitSet beyond = new BitSet();
        beyond.set(5);
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> ImageSubset.excluding(source, beyond))
                        .getMessage()
                        .contains("which has 5 images"));
        BitSet all = new BitSet();
        all.set(0, 5);
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> ImageSubset.excluding(source, all))
                        .getMessage()
                        .contains("leaves none of the 5"));
    }
}
