package io.github.fastvision.models.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.models.image.DecodedImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding: layouts that become 8-bit gray or RGB, and every refusal naming its source. */
class ImageDecoderTest {

    @TempDir Path dir;

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), format + " writer");
        return out.toByteArray();
    }

    private static BufferedImage rgbRamp(int type) {
        BufferedImage image = new BufferedImage(5, 3, type);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                image.setRGB(x, y, (0x40 << 24) | (x * 50 << 16) | (y * 100 << 8) | (x + y));
            }
        }
        return image;
    }

    @Test
    void grayscalePngStaysOneChannelWithItsStoredValues() throws IOException {
        BufferedImage image = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 8; i++) {
            image.getRaster().setSample(i % 4, i / 4, 0, i * 30);
        }
        DecodedImage d = ImageDecoder.standard().decode(encode(image, "png"), "gray.png");
        assertEquals(1, d.channels());
        for (int i = 0; i < 8; i++) {
            assertEquals(i * 30, d.get(0, i / 4, i % 4));
        }
    }

    @Test
    void rgbAndRgbaPngBecomeRgbWithAlphaDropped() throws IOException {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            DecodedImage d =
                    ImageDecoder.standard().decode(encode(rgbRamp(type), "png"), "ramp.png");
            assertEquals(3, d.channels());
            assertEquals(3, d.height());
            assertEquals(5, d.width());
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 5; x++) {
                    // Not composited: the colour is kept as stored whatever the alpha (0x40).
                    assertEquals(x * 50, d.get(0, y, x));
                    assertEquals(y * 100, d.get(1, y, x));
                    assertEquals(x + y, d.get(2, y, x));
                }
            }
        }
    }

    @Test
    void sixteenBitPngIsScaledToEightBits() throws IOException {
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] values = {0, 257 * 100, 65535};
        for (int x = 0; x < 3; x++) {
            image.getRaster().setSample(x, 0, 0, values[x]);
        }
        DecodedImage d = ImageDecoder.standard().decode(encode(image, "png"), "deep.png");
        assertEquals(1, d.channels());
        assertEquals(0, d.get(0, 0, 0));
        assertEquals(100, d.get(0, 0, 1));
        assertEquals(255, d.get(0, 0, 2));
    }

    @Test
    void paletteImagesExpandToRgb() throws IOException {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_INDEXED);
        image.setRGB(0, 0, 0xff0000);
        image.setRGB(1, 1, 0x0000ff);
        DecodedImage d = ImageDecoder.standard().decode(encode(image, "png"), "palette.png");
        assertEquals(3, d.channels());
        assertEquals(255, d.get(0, 0, 0));
        assertEquals(255, d.get(2, 1, 1));
    }

    @Test
    void jpegDecodesFromAFile() throws IOException {
        Path file = dir.resolve("photo.jpg");
        Files.write(file, encode(rgbRamp(BufferedImage.TYPE_INT_RGB), "jpg"));
        DecodedImage d = ImageDecoder.standard().decode(file);
        assertEquals(3, d.channels());
        assertEquals(5, d.width());
    }

    @Test
    void truncatedPngAndJpegAreRefusedNamingTheFile() throws IOException {
        BufferedImage big = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64 * 64; i++) {
            big.setRGB(i % 64, i / 64, (int) (i * 2654435761L));
        }
        for (String format : new String[] {"png", "jpg"}) {
            byte[] full = encode(big, format);
            Path file = dir.resolve("cut." + format);
            Files.write(file, Arrays.copyOf(full, full.length / 2));
            ImageFormatException e =
                    assertThrows(
                            ImageFormatException.class,
                            () -> ImageDecoder.standard().decode(file),
                            format);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void aNonImageIsRefusedNamingTheFile() throws IOException {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "not an image at all");
        ImageFormatException e =
                assertThrows(
                        ImageFormatException.class, () -> ImageDecoder.standard().decode(file));
        assertTrue(e.getMessage().contains("notes.txt: not an image"), e.getMessage());
    }

    /** A real 8x8 PNG whose header is rewritten to declare {@code side x side} pixels. */
    private static byte[] pngDeclaring(int side) throws IOException {
        byte[] png = encode(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY), "png");
        // Signature (8), IHDR length (4), "IHDR" (4), then width and height, then the CRC of
        // type + data (13 bytes) at offset 29.
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, side);
        b.putInt(20, side);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return png;
    }

    @Test
    void aDecompressionBombIsRefusedFromItsHeaderBeforeDecoding() throws IOException {
        long start = System.nanoTime();
        ImageFormatException e =
                assertThrows(
                        ImageFormatException.class,
                        () -> ImageDecoder.standard().decode(pngDeclaring(100_000), "bomb.png"));
        assertTrue(e.getMessage().contains("declares 100000x100000 pixels"), e.getMessage());
        assertTrue(e.getMessage().contains("at most " + ImageDecoder.DEFAULT_MAX_PIXELS));
        // Decoding 10^10 pixels would take minutes and 30 GB; the refusal reads 33 bytes.
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
        assertThrows(
                ImageFormatException.class,
                () -> new ImageDecoder(63).decode(pngDeclaring(8), "small-bound.png"));
    }
}
