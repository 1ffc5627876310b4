package io.github.fastvision.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryDatasetPngTest {

    private static InMemoryDataset random(int channels, long seed) {
        byte[] px = new byte[2 * channels * 5 * 7];
        new Random(seed).nextBytes(px);
        return InMemoryDataset.builder()
                .setPixels(px)
                .setLabels(new int[] {0, 1})
                .setImageShape(channels, 5, 7)
                .setClasses(List.of("a", "b"))
                .build();
    }

    /** Decoding the PNG gives back every stored pixel, channel by channel. */
    @Test
    void pngDecodesToTheStoredPixels(@TempDir Path dir) throws Exception {
        for (int channels : new int[] {1, 3}) {
            InMemoryDataset data = random(channels, channels);
            Path file = data.writePng(1, dir.resolve("c" + channels + ".png"));
            BufferedImage read = ImageIO.read(file.toFile());
            assertEquals(7, read.getWidth());
            assertEquals(5, read.getHeight());
            float[] expected = new float[channels * 35];
            data.pixels(1, expected);
            float[] decoded = new float[channels * 35];
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < 35; p++) {
                    decoded[c * 35 + p] = read.getRaster().getSample(p % 7, p / 7, c) / 255f;
                }
            }
            assertArrayEquals(expected, decoded);
        }
        try (var left = Files.list(dir)) {
            assertEquals(2, left.count(), "only the two PNGs, no temp files");
        }
    }
}
