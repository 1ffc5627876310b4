package io.github.fastvision.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {

    @Test
    void classPerSubFolderWithDeterministicSplit(@TempDir Path root) throws IOException {
        write(root.resolve("cat"), Color.WHITE, 10);
        write(root.resolve("dog"), Color.BLACK, 5);
        DatasetSplit s = ImageFolderDataset.load(root, 1, 16);
        assertEquals(List.of("cat", "dog"), s.train().classes());
        assertEquals(8 + 4, s.train().size());
        assertEquals(2 + 1, s.test().size());
        float[] px = new float[16 * 16];
        s.train().pixels(0, px);
        assertEquals(1f, px[100], 1e-6, "white cat image");
        s.train().pixels(s.train().size() - 1, px);
        assertEquals(0f, px[100], 1e-6, "black dog image");
        assertEquals(1, s.train().label(s.train().size() - 1));
    }

    @Test
    void trainAndTestFoldersAndRgb(@TempDir Path root) throws IOException {
        write(root.resolve("train/a"), Color.RED, 2);
        write(root.resolve("train/b"), Color.BLUE, 2);
        write(root.resolve("test/a"), Color.RED, 1);
        write(root.resolve("test/b"), Color.BLUE, 1);
        DatasetSplit s = ImageFolderDataset.load(root, 3, 8);
        assertEquals(4, s.train().size());
        assertEquals(2, s.test().size());
        float[] px = new float[3 * 8 * 8];
        s.test().pixels(0, px);
        assertEquals(1f, px[0], 1e-6);
        assertEquals(0f, px[64 + 0], 1e-6);
    }

    @Test
    void badFoldersAreNamed(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("only"));
        IllegalArgumentException one =
                assertThrows(
                        IllegalArgumentException.class, () -> ImageFolderDataset.load(root, 1, 8));
        assertTrue(one.getMessage().contains("one sub-folder per class"), one.getMessage());
        Files.createDirectories(root.resolve("second"));
        Files.writeString(root.resolve("only/x.png"), "not an image");
        write(root.resolve("second"), Color.GRAY, 1);
        IllegalArgumentException bad =
                assertThrows(
                        IllegalArgumentException.class, () -> ImageFolderDataset.load(root, 1, 8));
        assertTrue(bad.getMessage().contains("not a readable image"), bad.getMessage());
    }

    private static void write(Path dir, Color color, int n) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(20, 24, BufferedImage.TYPE_INT_RGB);
            var g = img.createGraphics();
            g.setColor(color);
            g.fillRect(0, 0, 20, 24);
            g.dispose();
            ImageIO.write(img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
        }
    }
}
