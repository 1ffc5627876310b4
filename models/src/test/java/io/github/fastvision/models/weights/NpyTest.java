package io.github.fastvision.models.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    /** A version-1 .npy file as NumPy writes it, with the given header dict and data. */
    static byte[] npy(String dict, byte[] data) {
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

    private static String dict(String descr, String fortran, String shape) {
        return "{'descr': '"
                + descr
                + "', 'fortran_order': "
                + fortran
                + ", 'shape': "
                + shape
                + ", }";
    }

    @Test
    void writeThenReadRoundTripsFloat32(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("sub/x.npy");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(24f).reshape(2, 3, 4);
            Npy.write(file, x);
            NDArray y = Npy.read(m, file);
            assertEquals(DataType.FLOAT32, y.getDataType());
            assertEquals(new Shape(2, 3, 4), y.getShape());
            assertArrayEquals(x.toFloatArray(), y.toFloatArray());
            Npy.write(file, m.create(new float[] {1, 2, 3}));
            assertEquals(new Shape(3), Npy.read(m, file).getShape());
        }
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "only x.npy, no temporary file");
        }
    }

    @Test
    void readKeepsTheFilesElementType(@TempDir Path tmp) throws Exception {
        ByteBuffer data = ByteBuffer.allocate(3 * 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(-1).putLong(0).putLong(7);
        Path file = tmp.resolve("i64.npy");
        Files.write(file, npy(dict("<i8", "False", "(3,)"), data.array()));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = Npy.read(m, file);
            assertEquals(DataType.INT64, y.getDataType());
            assertArrayEquals(new long[] {-1, 0, 7}, y.toLongArray());
        }
    }

    @Test
    void headerParsingRefusesWhatTheDataReaderCannotHonour() {
        String f = "a.npz:w.npy";
        IllegalArgumentException fortran =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Npy.readHeader(
                                        new ByteArrayInputStream(
                                                npy(dict("<f4", "True", "(2, 2)"), new byte[16])),
                                        f));
        assertTrue(fortran.getMessage().contains("Fortran-ordered"), fortran.getMessage());
        IllegalArgumentException bigEndian =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Npy.readHeader(
                                        new ByteArrayInputStream(
                                                npy(dict(">f4", "False", "(2,)"), new byte[8])),
                                        f));
        assertTrue(
                bigEndian.getMessage().startsWith(f + " has unsupported NumPy dtype >f4"),
                bigEndian.getMessage());
        IllegalArgumentException magic =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Npy.readHeader(
                                        new ByteArrayInputStream(
                                                "not numpy".getBytes(StandardCharsets.US_ASCII)),
                                        f));
        assertTrue(magic.getMessage().contains("is not a NumPy .npy file"), magic.getMessage());
        IllegalArgumentException malformed =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Npy.readHeader(
                                        new ByteArrayInputStream(
                                                npy("{'descr': '<f4'}", new byte[0])),
                                        f));
        assertTrue(
                malformed.getMessage().contains("malformed .npy header"), malformed.getMessage());
    }

    @Test
    void truncatedDataNamesTheMissingBytes(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("cut.npy");
        Files.write(file, npy(dict("<f4", "False", "(1, 3, 4, 4)"), new byte[100]));
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Npy.read(m, file));
            assertEquals(file + " is truncated: 100 of 192 data bytes", e.getMessage());
        }
    }
}
