package io.github.fastvision.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.inference.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batches filled one file at a time: a file that fails leaves no trace in its neighbours. */
class ImageBatchesTest {

    @TempDir Path dir;

    private Path png(String name, int width, int height, int seed) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (int) ((x * 31L + y * 17L + seed) * 2654435761L));
            }
        }
        Path file = dir.resolve(name);
        assertTrue(ImageIO.write(image, "png", file.toFile()));
        return file;
    }

    @Test
    void aFileFailingPreprocessingIsSkippedAndItsNeighboursAreExact() throws IOException {
        Path a = png("a.png", 20, 24, 1);
        png("b.png", 1_000_000, 1, 2);
        Path c = png("c.png", 33, 17, 3);
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.imagenet(0.875f), 16, 3);
        try (ImageBatches batches =
                new ImageBatches(List.of(dir), ImageDecoder.standard(), pre, 2, false)) {
            ImageBatches.Batch first = batches.next();
            assertEquals(List.of(a, c), first.files());
            int per = pre.floatsPerImage();
            assertEquals(2 * per, first.values().length);
            assertArrayEquals(
                    pre.apply(ImageDecoder.standard().decode(a)),
                    Arrays.copyOfRange(first.values(), 0, per));
            assertArrayEquals(
                    pre.apply(ImageDecoder.standard().decode(c)),
                    Arrays.copyOfRange(first.values(), per, 2 * per));
            assertNull(batches.next());
            assertEquals(1, batches.skipped().size());
            assertEquals(dir.resolve("b.png").toString(), batches.skipped().get(0).file());
            assertTrue(
                    batches.skipped().get(0).reason().startsWith("cannot be preprocessed: "),
                    batches.skipped().get(0).reason());
        }
    }

    @Test
    void aBatchLargerThanOneArrayIsRefusedNamingTheLargestThatFits() {
        ImagePreprocessor pre = new ImagePreprocessor(Preprocessing.imagenet(0.875f), 4096, 3);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new ImageBatches(
                                        List.of(dir), ImageDecoder.standard(), pre, 1024, false));
        assertTrue(e.getMessage().contains("--batch 1024 of 3x4096x4096 inputs"), e.getMessage());
        assertTrue(e.getMessage().contains("use --batch <= 42"), e.getMessage());
    }
}
