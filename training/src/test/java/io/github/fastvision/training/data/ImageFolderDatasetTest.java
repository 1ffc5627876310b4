package io.github.fastvision.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.models.inference.ImageFormatException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
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
        ImageFormatException bad =
                assertThrows(ImageFormatException.class, () -> ImageFolderDataset.load(root, 1, 8));
        assertTrue(
                bad.getMessage().startsWith(root.resolve("only/x.png") + ": not an image"),
                bad.getMessage());
    }

    @Test
    void aFileOverTheDecodersPixelBoundIsRefusedNamingIt(@TempDir Path root) throws IOException {
        write(root.resolve("a"), Color.GRAY, 1);
        write(root.resolve("b"), Color.GRAY, 1);
        Path bomb = root.resolve("b/000.png");
        Files.write(bomb, withDeclaredSize(Files.readAllBytes(bomb), 100_000, 100_000));
        ImageFormatException e =
                assertThrows(ImageFormatException.class, () -> ImageFolderDataset.load(root, 3, 8));
        assertTrue(e.getMessage().startsWith(bomb + ": declares 100000x100000"), e.getMessage());
        assertTrue(e.getMessage().contains("decompression-bomb"), e.getMessage());
    }

    @Test
    void rgbBecomesGreyByTheLuminanceOfItsStoredSamples(@TempDir Path root) throws IOException {
        // Colours whose luminance 0.299 R + 0.587 G + 0.114 B rounds: (200, 100, 50) -> 124.2,
        // (10, 251, 90) -> 160.587.
        write(root.resolve("a"), new Color(200, 100, 50), 5);
        write(root.resolve("b"), new Color(10, 251, 90), 5);
        DatasetSplit s = ImageFolderDataset.load(root, 1, 8);
        assertEquals(124 / 255f, s.train().image(0).data()[7], 0f);
        assertEquals(161 / 255f, s.train().image(4).data()[7], 0f);
        assertEquals(20, s.train().image(0).width(), "transforms see the file's own width");
        assertEquals(24, s.train().image(0).height());
    }

    @Test
    void imagesOverTheCacheAreDecodedAgainWithTheSameValues(@TempDir Path root) throws IOException {
        write(root.resolve("a"), new Color(30, 60, 90), 5);
        write(root.resolve("b"), new Color(90, 60, 30), 5);
        DatasetSplit cached = ImageFolderDataset.load(root, 3, 8);
        DatasetSplit reread = ImageFolderDataset.load(root, 3, 8, 0);
        for (int i = 0; i < cached.train().size(); i++) {
            assertArrayEquals(cached.train().image(i).data(), reread.train().image(i).data());
        }
        Files.delete(root.resolve("a/000.png"));
        ImageFormatException gone =
                assertThrows(ImageFormatException.class, () -> reread.train().image(0));
        assertTrue(
                gone.getMessage().startsWith(root.resolve("a/000.png") + ": does not exist"),
                gone.getMessage());
    }

    /** A PNG whose header declares another size (the CRC fixed), its pixel data unchanged. */
    static byte[] withDeclaredSize(byte[] png, int width, int height) {
        byte[] out = png.clone();
        // Signature (8), IHDR length (4), "IHDR" (4), then width and height; the CRC over the
        // type and data (bytes 12 to 28) follows at 29.
        ByteBuffer.wrap(out, 16, 8).putInt(width).putInt(height);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 17);
        ByteBuffer.wrap(out, 29, 4).putInt((int) crc.getValue());
        return out;
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
