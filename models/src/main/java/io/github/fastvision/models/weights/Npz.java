package io.github.fastvision.models.weights;

import java.io.IOException;
import java.io.InputStream;
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
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    throw new IllegalArgumentException(
                            file + " holds " + name + ", not an .npy array");
                }
                try (InputStream is = zip.getInputStream(entry)) {
                    out.put(name.substring(0, name.length() - 4), npy(is, file + ":" + name));
                }
            }
        } catch (ZipException e) {
            throw new IllegalArgumentException(
                    file + " is truncated or not a valid .npz archive: " + e.getMessage(), e);
        }
        return out;
    }

    /** One archive entry through the shared .npy codec, as checkpoint tensor bytes. */
    static TensorData npy(InputStream is, String what) throws IOException {
        Npy.Header header = Npy.readHeader(is, what);
        DType dtype = dtype(header, what);
        return new TensorData(dtype, header.shape(), Npy.readData(is, header, what));
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
                throw new IllegalArgumentException(
                        what
                                + " has NumPy dtype "
                                + header.descr()
                                + ", which checkpoints do not hold"
                                + " (expected little-endian float32/16/64, int64/32, uint8, bool)");
        }
    }
}
