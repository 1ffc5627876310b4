package io.github.fastvision.models.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy .npz archives (numpy.savez / savez_compressed) of C-ordered arrays, each through
 * {@link Npy}.
 */
final class Npz {

    private Npz() {}

    static Map<String, TensorData> read(Path file) throws IOException {
        Map<String, TensorData> out = new LinkedHashMap<>();
        long budget = Math.max(1L << 20, Math.multiplyExact(Files.size(file), MAX_EXPANSION));
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    throw new CheckpointFormatException(
                            file + " holds " + name + ", not an .npy array");
                }
                String what = file + ":" + name;
                TensorData t;
                try (InputStream is = zip.getInputStream(entry)) {
                    t = npy(is, what, budget);
                }
                budget -= t.data().remaining();
                if (out.put(name.substring(0, name.length() - 4), t) != null) {
                    throw new CheckpointFormatException(
                            file + " holds the array " + name + " twice");
                }
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new CheckpointFormatException(
                    file + " is truncated or not a valid .npz archive: " + e.getMessage(), e);
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // ZipFile's own refusal of a malformed entry name or header field.
            throw new CheckpointFormatException(
                    file + " is not a valid .npz archive: " + e.getMessage(), e);
        }
        return out;
    }

    /** How many times its file size an archive may inflate to (float arrays barely compress). */
    static final long MAX_EXPANSION = Checkpoint.MAX_EXPANSION;

    /**
     * One archive entry through the shared .npy codec, as checkpoint tensor bytes.
     *
     * @param budget the bytes the archive's arrays may still decompress to
     */
    static TensorData npy(InputStream is, String what, long budget) throws IOException {
        Npy.Header header = Npy.readHeader(is, what);
        DType dtype = dtype(header, what);
        long bytes;
        try {
            bytes = header.dataBytes();
        } catch (ArithmeticException e) {
            bytes = Long.MAX_VALUE;
        }
        // Checked before inflating, so a zip bomb behind a false shape stops here.
        if (bytes > budget) {
            throw new CheckpointFormatException(
                    what
                            + " declares "
                            + (bytes == Long.MAX_VALUE ? "an overflowing number of" : bytes)
                            + " data bytes, beyond the "
                            + budget
                            + " left of the "
                            + MAX_EXPANSION
                            + "x its archive may expand to");
        }
        TensorData t = new TensorData(dtype, header.shape(), Npy.readData(is, header, what));
        Npy.requireEnd(is, what);
        return t;
    }

    private static DType dtype(Npy.Header header, String what) {
        switch (header.dataType()) {
            case FLOAT32:
                return DType.F32;
            case FLOAT16:
                return DType.F16;
            case FLOAT64:
                return DType.F64;
            case INT64:
                return DType.I64;
            case INT32:
                return DType.I32;
            case UINT8:
                return DType.U8;
            case BOOLEAN:
                return DType.BOOL;
            default:
                throw new CheckpointFormatException(
                        what
                                + " has NumPy dtype "
                                + header.descr()
                                + ", which checkpoints do not hold"
                                + " (expected little-endian float32/16/64, int64/32, uint8, bool)");
        }
    }
}
