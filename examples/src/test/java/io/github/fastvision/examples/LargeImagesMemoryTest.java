package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory is bounded by design: twenty 8000 x 8000 photos' worth of pixels go through {@code
 * predict} in a JVM whose whole heap is smaller than one of them decoded at full resolution, since
 * each is read subsampled and preprocessed before the next is decoded.
 */
class LargeImagesMemoryTest {

    private static final int SIDE = 8000;
    private static final int FILES = 20;

    /** A flat grey {@code side x side} 8-bit grayscale PNG (compresses about 1000:1). */
    static byte[] flatPng(int side) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
            byte[] row = new byte[side + 1];
            java.util.Arrays.fill(row, 1, row.length, (byte) 0x80);
            for (int y = 0; y < side; y++) {
                z.write(row);
            }
        }
        deflater.end();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(png);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(side);
        h.writeInt(side);
        h.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit grayscale, deflate, no interlace
        chunk(out, "IHDR", ihdr.toByteArray());
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    @Test
    void twentyLargeImagesPredictUnderAHeapSmallerThanOneDecodedImage(@TempDir Path tmp)
            throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("large"));
        byte[] png = flatPng(SIDE);
        for (int i = 0; i < FILES; i++) {
            Files.write(dir.resolve(String.format("img_%02d.png", i)), png);
        }
        // 8000 x 8000 decoded is 64 MB of samples, and 256 MB as the preprocessor's floats.
        String heap = "-Xmx96m";
        Path stdout = tmp.resolve("out.json");
        Path stderr = tmp.resolve("err.txt");
        Process p =
                new ProcessBuilder(
                                List.of(
                                        Path.of(System.getProperty("java.home"), "bin", "java")
                                                .toString(),
                                        heap,
                                        "-Dai.djl.default_engine=PyTorch",
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        FastVisionCli.class.getName(),
                                        "predict",
                                        "--model",
                                        "test_fasternet",
                                        "--image-size",
                                        "32",
                                        "--batch",
                                        "16",
                                        dir.toString(),
                                        "--json"))
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "predict finished");
        String err = Files.readString(stderr);
        assertEquals(0, p.exitValue(), err);
        JsonObject doc = JsonParser.parseString(Files.readString(stdout)).getAsJsonObject();
        assertEquals(FILES, doc.getAsJsonArray("predictions").size(), err);
        assertEquals(0, doc.getAsJsonArray("skipped").size(), err);
    }
}
