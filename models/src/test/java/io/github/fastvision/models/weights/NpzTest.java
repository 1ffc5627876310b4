package io.github.fastvision.models.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npz entries go through the shared .npy codec and become checkpoint tensors. */
class NpzTest {

    private static byte[] npy(String descr, String shape, byte[] data) {
        String dict =
                "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static Path npz(Path file, String entry, byte[] npy) throws Exception {
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(npy);
            zip.closeEntry();
        }
        return file;
    }

    @Test
    void readsEntriesAsTensors(@TempDir Path tmp) throws Exception {
        ByteBuffer data =
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        Map<String, TensorData> t =
                Npz.read(
                        npz(
                                tmp.resolve("w.npz"),
                                "fc.weight.npy",
                                npy("<f4", "(1, 2)", data.array())));
        TensorData w = t.get("fc.weight");
        assertEquals(DType.F32, w.dtype());
        assertArrayEquals(new long[] {1, 2}, w.shape());
        assertArrayEquals(new float[] {1.5f, -2f}, w.toFloats());
    }

    @Test
    void refusesTypesTheCodecOrCheckpointsDoNotHold(@TempDir Path tmp) throws Exception {
        Path big = npz(tmp.resolve("big.npz"), "w.npy", npy(">f4", "(2,)", new byte[8]));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Npz.read(big));
        assertTrue(
                e.getMessage().startsWith(big + ":w.npy has unsupported NumPy dtype >f4"),
                e.getMessage());
        Path int8 = npz(tmp.resolve("int8.npz"), "w.npy", npy("|i1", "(2,)", new byte[2]));
        IllegalArgumentException i =
                assertThrows(IllegalArgumentException.class, () -> Npz.read(int8));
        assertTrue(i.getMessage().contains("which checkpoints do not hold"), i.getMessage());
    }
}
