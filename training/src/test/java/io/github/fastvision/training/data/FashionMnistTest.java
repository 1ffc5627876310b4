package io.github.fastvision.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.training.TinyData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @Test
    void bundledSubsetIsBalancedRealFashionMnist() {
        DatasetSplit data = TinyData.bundled();
        assertEquals(3000, data.train().size());
        assertEquals(1000, data.test().size());
        assertEquals(28, data.train().height());
        assertEquals(1, data.train().channels());
        assertEquals(FashionMnist.CLASSES, data.train().classes());
        int[] count = new int[10];
        for (int i = 0; i < data.train().size(); i++) {
            count[data.train().label(i)]++;
        }
        for (int c : count) {
            assertEquals(300, c);
        }
        // The first images of Fashion-MNIST's files: an ankle boot (train) and an ankle boot
        // (test).
        assertEquals(9, data.train().label(0));
        assertEquals(9, data.test().label(0));
        float[] px = new float[28 * 28];
        data.train().pixels(0, px);
        double mean = 0;
        for (float v : px) {
            assertTrue(v >= 0 && v <= 1);
            mean += v / px.length;
        }
        assertTrue(mean > 0.1 && mean < 0.6, "an image, not a blank: mean " + mean);
    }

    @Test
    void fullSetFromDebianWhenInstalled() throws IOException {
        if (!FashionMnist.isInstalled()) {
            return; // the bundled subset is tested above; CI machines may not have the package
        }
        DatasetSplit full = FashionMnist.load(FashionMnist.DEBIAN_DIR);
        assertEquals(60000, full.train().size());
        assertEquals(10000, full.test().size());
    }

    @Test
    void idxRoundTripPlainAndGzip(@TempDir Path dir) throws IOException {
        byte[] idx =
                idx(
                        0x0803,
                        new int[] {2, 2, 3},
                        new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, (byte) 255});
        IdxFiles.Tensor t = IdxFiles.read(new ByteArrayInputStream(idx), "plain", 3);
        assertEquals(3, t.dims()[2]);
        assertEquals((byte) 255, t.data()[11]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(idx);
        }
        Path f = dir.resolve("x.gz");
        Files.write(f, gz.toByteArray());
        assertEquals(12, IdxFiles.read(f, 3).data().length);
    }

    @Test
    void badIdxFilesNameTheExpectedFormat() throws IOException {
        byte[] labels = idx(0x0801, new int[] {3}, new byte[] {1, 2, 3});
        IllegalArgumentException rank =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> IdxFiles.read(new ByteArrayInputStream(labels), "l", 3));
        assertTrue(rank.getMessage().contains("0x00000803"), rank.getMessage());
        byte[] truncated = idx(0x0803, new int[] {2, 2, 2}, new byte[] {1, 2, 3});
        IllegalArgumentException t =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> IdxFiles.read(new ByteArrayInputStream(truncated), "t", 3));
        assertTrue(t.getMessage().contains("truncated"), t.getMessage());
        IllegalArgumentException png =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                IdxFiles.read(
                                        new ByteArrayInputStream(
                                                new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0}),
                                        "p",
                                        3));
        assertTrue(png.getMessage().contains("IDX"), png.getMessage());
    }

    @Test
    void missingDirectoryAndUnknownNamesAreClear(@TempDir Path dir) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        IllegalArgumentException f =
                assertThrows(
                        IllegalArgumentException.class, () -> Datasets.open("no-such-set", 3, 32));
        assertTrue(f.getMessage().contains("fashion-mnist"), f.getMessage());
    }

    private static byte[] idx(int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }
}
