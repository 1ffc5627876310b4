package io.github.fastvision.models.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.models.image.DecodedImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding what real directories hold: memory bounded by decoded bytes before any pixel is read,
 * large images read subsampled to what the caller needs, CMYK JPEGs as Pillow converts them, and
 * entries that are not images at all.
 */
class ImageDecoderHostileTest {

    @TempDir Path dir;

    /**
     * A little-endian TIFF whose header declares {@code width x height} pixels of {@code samples}
     * samples of {@code bits} bits ({@code format} 1: unsigned, 3: float), with 16 bytes of data.
     */
    static byte[] tiffDeclaring(
            int width, int height, int samples, int bits, int format, int photometric) {
        int colour = photometric == 2 ? 3 : 1;
        int extra = samples - colour;
        int entries = extra > 0 ? 12 : 11;
        int arrays = 8 + 2 + entries * 12 + 4;
        ByteBuffer b =
                ByteBuffer.allocate(arrays + 6 * samples + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        b.putShort((short) entries);
        int bitsAt = arrays;
        int extraAt = bitsAt + 2 * samples;
        int formatAt = extraAt + 2 * samples;
        int dataAt = formatAt + 2 * samples;
        long stripBytes = (long) width * height * samples * bits / 8;
        entry(b, 256, 4, 1, width);
        entry(b, 257, 4, 1, height);
        shorts(b, 258, samples, bits, bitsAt);
        entry(b, 259, 3, 1, 1);
        entry(b, 262, 3, 1, photometric);
        entry(b, 273, 4, 1, dataAt);
        entry(b, 277, 3, 1, samples);
        entry(b, 278, 4, 1, height);
        entry(b, 279, 4, 1, (int) Math.min(stripBytes, 0xffffffffL));
        entry(b, 284, 3, 1, 1);
        if (extra > 0) {
            shorts(b, 338, extra, 0, extraAt);
        }
        shorts(b, 339, samples, format, formatAt);
        b.putInt(0);
        for (int i = 0; i < samples; i++) {
            b.putShort(bitsAt + 2 * i, (short) bits);
            b.putShort(extraAt + 2 * i, (short) 0);
            b.putShort(formatAt + 2 * i, (short) format);
        }
        return b.array();
    }

    private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt(value);
        }
    }

    private static void shorts(ByteBuffer b, int tag, int count, int value, int offset) {
        if (count <= 2) {
            b.putShort((short) tag).putShort((short) 3).putInt(count);
            b.putShort((short) value).putShort((short) (count == 2 ? value : 0));
        } else {
            entry(b, tag, 3, count, 0);
            b.putInt(b.position() - 4, offset);
        }
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "png", out));
        return out.toByteArray();
    }

    private static void assertNoNegativeNumber(String message) {
        assertFalse(message.matches("(?s).*-\\d.*"), message);
    }

    @Test
    void aTiffOf120SamplesPerPixelIsRefusedByItsBytesBeforeDecoding() {
        long start = System.nanoTime();
        ImageFormatException e =
                assertThrows(
                        ImageFormatException.class,
                        () ->
                                ImageDecoder.standard()
                                        .decode(
                                                tiffDeclaring(4096, 4096, 120, 8, 1, 1),
                                                "wide.tif"));
        // 4096 x 4096 is under the pixel bound; 120 bytes a pixel (2 GB) is not under the bytes
        // bound.
        assertTrue(e.getMessage().startsWith("wide.tif: "), e.getMessage());
        assertTrue(e.getMessage().contains("120 bytes each"), e.getMessage());
        assertTrue(
                e.getMessage().contains("at most " + ImageDecoder.DEFAULT_MAX_BYTES + " bytes"),
                e.getMessage());
        assertNoNegativeNumber(e.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L);
    }

    @Test
    void aLargeFloatTiffIsRefusedWithAPositiveByteCount() {
        ImageFormatException e =
                assertThrows(
                        ImageFormatException.class,
                        () ->
                                ImageDecoder.standard()
                                        .decode(
                                                tiffDeclaring(8192, 4096, 3, 32, 3, 2),
                                                "float.tif"));
        assertTrue(
                e.getMessage().contains("declares 8192x4096 pixels of 12 bytes each"),
                e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(8192L * 4096 * 12)), e.getMessage());
        assertNoNegativeNumber(e.getMessage());
        // Subsampled to a 256 side it fits; the declared strip is missing, which is the refusal.
        ImageFormatException sub =
                assertThrows(
                        ImageFormatException.class,
                        () ->
                                ImageDecoder.standard()
                                        .decode(
                                                tiffDeclaring(8192, 4096, 3, 32, 3, 2),
                                                "float.tif",
                                                256));
        assertTrue(sub.getMessage().startsWith("float.tif: "), sub.getMessage());
        assertNoNegativeNumber(sub.getMessage());
    }

    @Test
    void aLargeImageIsReadSubsampledToAFewTimesTheTargetSide() throws IOException {
        BufferedImage image = new BufferedImage(2000, 1000, BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 2000; x++) {
            image.getRaster().setSample(x, 0, 0, x % 256);
        }
        Path file = Files.write(dir.resolve("wide.png"), png(image));
        DecodedImage full = ImageDecoder.standard().decode(file);
        assertEquals(2000, full.width());
        assertEquals(1000, full.height());
        // Short side 1000, target 100: keep >= 400, so every 2nd pixel.
        DecodedImage sub = ImageDecoder.standard().decode(file, 100);
        assertEquals(1000, sub.width());
        assertEquals(500, sub.height());
        for (int x = 0; x < 1000; x++) {
            assertEquals((2 * x) % 256, sub.get(0, 0, x));
        }
        assertEquals(1000, ImageDecoder.standard().decode(file, 300).height(), "no gain: 1x");
        assertEquals(1, ImageDecoder.subsampling(1000, 0));
        assertEquals(1, ImageDecoder.subsampling(1, Integer.MAX_VALUE));
        assertEquals(62, ImageDecoder.subsampling(8000, 32));
        // The bytes bound counts the subsampled raster: refused in full, accepted subsampled.
        ImageDecoder small = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, 600_000);
        assertThrows(ImageFormatException.class, () -> small.decode(file));
        assertEquals(500, small.decode(file, 100).height());
    }

    @Test
    void cmykJpegConvertsAsPillowDoes() throws IOException {
        List<String> expected;
        byte[] jpeg;
        try (InputStream in = getClass().getResourceAsStream("cmyk-expected.txt");
                InputStream img = getClass().getResourceAsStream("cmyk.jpg")) {
            expected =
                    new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .lines()
                            .filter(l -> !l.startsWith("#"))
                            .toList();
            jpeg = img.readAllBytes();
        }
        DecodedImage d = ImageDecoder.standard().decode(jpeg, "cmyk.jpg");
        assertEquals(3, d.channels());
        assertEquals(32, d.width());
        for (int i = 0; i < expected.size(); i++) {
            String[] v = expected.get(i).split(" ");
            for (int c = 0; c < 3; c++) {
                int want = Integer.parseInt(v[4 + c]);
                // Two libjpeg builds may round an IDCT differently by one.
                assertTrue(
                        Math.abs(want - d.get(c, 4, 8 * i + 4)) <= 1,
                        "patch "
                                + i
                                + " channel "
                                + c
                                + ": "
                                + d.get(c, 4, 8 * i + 4)
                                + " vs "
                                + want);
            }
        }
        // ImageIO.read hands back ink values (it inverts Adobe samples itself): the same RGB.
        DecodedImage viaRead =
                ImageDecoder.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(jpeg)));
        for (int c = 0; c < 3; c++) {
            for (int x = 0; x < 32; x++) {
                assertEquals(d.get(c, 4, x), viaRead.get(c, 4, x), "x " + x);
            }
        }
        // Pillow's integer arithmetic exactly (values from Pillow 9.4's CMYK -> RGB).
        assertEquals(131, ImageDecoder.cmykToRgb(100, 255 - 40));
        assertEquals(173, ImageDecoder.cmykToRgb(50, 255 - 40));
        assertEquals(198, ImageDecoder.cmykToRgb(20, 255 - 40));
        assertEquals(112, ImageDecoder.cmykToRgb(30, 255 - 128));
        assertEquals(27, ImageDecoder.cmykToRgb(200, 255 - 128));
        assertEquals(82, ImageDecoder.cmykToRgb(90, 255 - 128));
        assertEquals(0, ImageDecoder.cmykToRgb(255, 255));
        assertEquals(0, ImageDecoder.cmykToRgb(0, 0));
    }

    @Test
    void cmykJpegWithoutAnAdobeMarkerIsStillTakenAsInvertedAsPillowTakesIt() throws IOException {
        // The JDK writes a four-band raster as CMYK without an Adobe marker; Pillow reads such a
        // file (checked with Pillow 9.4) with the same inversion, giving cmyk-expected.txt's RGB.
        int[][] inks = {{0, 0, 0, 0}, {255, 0, 0, 0}, {100, 50, 20, 40}, {30, 200, 90, 128}};
        int[][] rgb = {{255, 255, 255}, {0, 255, 255}, {131, 173, 198}, {112, 27, 82}};
        WritableRaster raster =
                Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 32, 8, 4, null);
        for (int i = 0; i < 4; i++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    for (int b = 0; b < 4; b++) {
                        raster.setSample(8 * i + x, y, b, 255 - inks[i][b]);
                    }
                }
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(1f);
            writer.write(null, new IIOImage(raster, null, null), param);
        } finally {
            writer.dispose();
        }
        DecodedImage d = ImageDecoder.standard().decode(bytes.toByteArray(), "plain-cmyk.jpg");
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < 3; c++) {
                assertTrue(
                        Math.abs(rgb[i][c] - d.get(c, 4, 8 * i + 4)) <= 1,
                        "patch " + i + " channel " + c + ": " + d.get(c, 4, 8 * i + 4));
            }
        }
    }

    @Test
    void entriesThatAreNotFilesAreRefusedNamingThem() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        assertTrue(
                assertThrows(ImageFormatException.class, () -> ImageDecoder.standard().decode(sub))
                        .getMessage()
                        .contains("sub: is a directory"));
        Path dangling = Files.createSymbolicLink(dir.resolve("gone.png"), dir.resolve("nowhere"));
        assertTrue(
                assertThrows(
                                ImageFormatException.class,
                                () -> ImageDecoder.standard().decode(dangling))
                        .getMessage()
                        .contains("gone.png: is a dangling symbolic link"));
        Path fifo = dir.resolve("pipe.png");
        if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0) {
            // Opening a FIFO would block until a writer comes; it is refused unopened.
            assertTrue(
                    assertThrows(
                                    ImageFormatException.class,
                                    () -> ImageDecoder.standard().decode(fifo))
                            .getMessage()
                            .contains("pipe.png: not a regular file"));
        }
        assertThrows(IllegalArgumentException.class, () -> ImageDecoder.standard().decode(sub, -1));
    }
}
