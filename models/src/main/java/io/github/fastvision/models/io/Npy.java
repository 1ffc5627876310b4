package io.github.fastvision.models.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Reads and writes NumPy {@code .npy} arrays (float32, C order), the CLI's exchange format. */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {}

    /**
     * Reads an .npy file.
     *
     * @param manager the manager for the array
     * @param path the file
     * @return the array
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file is not an .npy array
     */
    public static NDArray read(NDManager manager, Path path) throws IOException {
        try (InputStream is = Files.newInputStream(path)) {
            byte[] head = is.readNBytes(MAGIC.length);
            for (int i = 0; i < MAGIC.length; i++) {
                if (head.length < MAGIC.length || head[i] != MAGIC[i]) {
                    throw new IllegalArgumentException(
                            path + " is not a NumPy .npy file (expected the \\x93NUMPY magic)");
                }
            }
        }
        try (InputStream is = Files.newInputStream(path)) {
            NDList list = NDList.decode(manager, is);
            return list.singletonOrThrow();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("cannot decode " + path + " as .npy: " + e.getMessage(), e);
        }
    }

    /**
     * Writes a float32 array as .npy, atomically (temporary file, then rename).
     *
     * @param path the file
     * @param array the array (converted to float32)
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, NDArray array) throws IOException {
        long[] shape = array.getShape().getShape();
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.toString().replaceAll(", $", "") + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        float[] data = array.toType(DataType.FLOAT32, false).toFloatArray();
        ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(data);
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, path.getFileName().toString(), ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp)) {
            os.write(MAGIC);
            os.write(new byte[] {1, 0});
            int len = header.length();
            os.write(new byte[] {(byte) (len & 0xff), (byte) (len >> 8)});
            os.write(header.getBytes(StandardCharsets.US_ASCII));
            os.write(bb.array());
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
