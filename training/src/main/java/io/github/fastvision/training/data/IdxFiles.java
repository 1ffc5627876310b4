package io.github.fastvision.training.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader of the IDX format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian magic number
 * {@code 0x000008DD} where 08 means unsigned bytes and DD the number of dimensions, then one int
 * per dimension, then the data. Files may be gzip-compressed ({@code .gz}).
 */
public final class IdxFiles {

    private IdxFiles() {}

    /**
     * Unsigned-byte tensor read from an IDX file.
     *
     * @param dims dimension sizes
     * @param data the values, row-major
     */
    public record Tensor(int[] dims, byte[] data) {}

    /**
     * Reads an IDX file of unsigned bytes.
     *
     * @param file the file, optionally gzip-compressed
     * @param expectedDims 1 for labels, 3 for images
     * @return the tensor
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not an unsigned-byte IDX file of that rank
     */
    public static Tensor read(Path file, int expectedDims) throws IOException {
        try (InputStream in = open(file)) {
            return read(in, file.toString(), expectedDims);
        }
    }

    /**
     * Reads an IDX stream of unsigned bytes.
     *
     * @param raw the stream (gzip is detected from its first bytes)
     * @param source name for error messages
     * @param expectedDims 1 for labels, 3 for images
     * @return the tensor
     * @throws IOException if the stream cannot be read
     */
    public static Tensor read(InputStream raw, String source, int expectedDims) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(raw);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        InputStream in =
                b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
        int magic;
        try {
            magic = data.readInt();
        } catch (EOFException e) {
            throw new IllegalArgumentException(source + " is empty; expected an IDX file", e);
        }
        int type = (magic >>> 8) & 0xff;
        int dims = magic & 0xff;
        if ((magic >>> 16) != 0 || type != 0x08 || dims != expectedDims) {
            throw new IllegalArgumentException(
                    String.format(
                            "%s is not an unsigned-byte IDX file with %d dimension(s): magic 0x%08X, expected"
                                    + " 0x%08X",
                            source, expectedDims, magic, 0x0800 | expectedDims));
        }
        int[] shape = new int[dims];
        long total = 1;
        for (int i = 0; i < dims; i++) {
            shape[i] = data.readInt();
            if (shape[i] <= 0) {
                throw new IllegalArgumentException(source + ": dimension " + i + " is " + shape[i]);
            }
            total *= shape[i];
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    source + " holds " + total + " bytes, more than one array can");
        }
        byte[] values = new byte[(int) total];
        try {
            data.readFully(values);
        } catch (EOFException e) {
            throw new IllegalArgumentException(
                    source + " is truncated: its header promises " + total + " values", e);
        }
        return new Tensor(shape, values);
    }

    private static InputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("IDX file " + file + " does not exist");
        }
        return Files.newInputStream(file);
    }
}
