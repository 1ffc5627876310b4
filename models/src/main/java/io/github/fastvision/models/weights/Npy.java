package io.github.fastvision.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.core.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one NumPy {@code .npy} codec: the CLI's exchange format ({@code fastvision run}) and the
 * arrays inside {@code .npz} checkpoints both go through its header parser and data reader. Arrays
 * are C-ordered and little-endian; the element types are float32/16/64, int64/32/8, uint8 and bool.
 * {@link #write} writes float32.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** Longest header accepted; NumPy itself refuses headers over 10,000 bytes by default. */
    private static final long MAX_HEADER = 1 << 16;

    private Npy() {}

    /**
     * An array's header.
     *
     * @param descr the NumPy type string, e.g. {@code <f4}
     * @param dataType the element type it names
     * @param shape the dimensions (empty for a scalar)
     */
    public record Header(String descr, DataType dataType, long[] shape) {

        /**
         * The size of the data that follows the header.
         *
         * @return element count times element size
         */
        public long dataBytes() {
            long n = dataType.getNumOfBytes();
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }
    }

    /**
     * The element type of a NumPy type string: little-endian ({@code <}) or single-byte ({@code |})
     * types only, since the data is read as little-endian.
     *
     * @param descr the type string
     * @return the type, or null when the codec does not support it
     */
    private static DataType dataType(String descr) {
        switch (descr) {
            case "<f4":
                return DataType.FLOAT32;
            case "<f2":
                return DataType.FLOAT16;
            case "<f8":
                return DataType.FLOAT64;
            case "<i8":
                return DataType.INT64;
            case "<i4":
                return DataType.INT32;
            case "|i1":
                return DataType.INT8;
            case "|u1":
                return DataType.UINT8;
            case "|b1":
                return DataType.BOOLEAN;
            default:
                return null;
        }
    }

    /**
     * Reads the magic, version and header of an .npy stream, leaving the stream at the data.
     *
     * @param in the stream
     * @param what the file (or archive entry) for error messages
     * @return the header
     * @throws IOException if the stream cannot be read
     * @throws CheckpointFormatException if it is not a C-ordered .npy array of a supported type
     */
    public static Header readHeader(InputStream in, String what) throws IOException {
        byte[] head = in.readNBytes(MAGIC.length + 2);
        if (head.length < MAGIC.length + 2
                || !Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC)) {
            throw new CheckpointFormatException(
                    what + " is not a NumPy .npy file (expected the \\x93NUMPY magic)");
        }
        int major = head[MAGIC.length];
        if (major < 1 || major > 3) {
            throw new CheckpointFormatException(
                    what + " has .npy format version " + major + "; expected 1, 2 or 3");
        }
        // Version 1 stores the header length in 2 bytes, versions 2 and 3 in 4 (little-endian).
        byte[] lenBytes = in.readNBytes(major == 1 ? 2 : 4);
        long len = 0;
        for (int i = lenBytes.length - 1; i >= 0; i--) {
            len = (len << 8) | (lenBytes[i] & 0xff);
        }
        if (lenBytes.length < (major == 1 ? 2 : 4) || len > MAX_HEADER) {
            throw new CheckpointFormatException(
                    what
                            + " has a malformed .npy header length: expected at most "
                            + MAX_HEADER
                            + " bytes, found "
                            + (lenBytes.length < (major == 1 ? 2 : 4) ? "a truncated field" : len));
        }
        byte[] headerBytes = in.readNBytes((int) len);
        if (headerBytes.length < len) {
            throw new CheckpointFormatException(
                    what
                            + " is truncated: "
                            + headerBytes.length
                            + " of "
                            + len
                            + " .npy header bytes");
        }
        String header = new String(headerBytes, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new CheckpointFormatException(
                    what + " has a malformed .npy header: " + header.trim());
        }
        if ("True".equals(f.group(1))) {
            throw new CheckpointFormatException(
                    what + " is Fortran-ordered; save C-ordered arrays");
        }
        DataType type = dataType(d.group(1));
        if (type == null) {
            throw new CheckpointFormatException(
                    what
                            + " has unsupported NumPy dtype "
                            + d.group(1)
                            + " (expected little-endian float32/16/64, int64/32/8, uint8, bool)");
        }
        long[] shape;
        try {
            shape =
                    Arrays.stream(s.group(1).split(","))
                            .map(String::trim)
                            .filter(p -> !p.isEmpty())
                            .mapToLong(Long::parseLong)
                            .toArray();
        } catch (NumberFormatException e) {
            throw new CheckpointFormatException(
                    what + " has a malformed .npy shape: (" + s.group(1) + ")", e);
        }
        for (long dim : shape) {
            if (dim < 0) {
                throw new CheckpointFormatException(
                        what + " has a negative .npy dimension: (" + s.group(1) + ")");
            }
        }
        return new Header(d.group(1), type, shape);
    }

    /**
     * Reads the data that follows a header.
     *
     * @param in the stream, positioned after {@link #readHeader}
     * @param header the header read from it
     * @param what the file (or archive entry) for error messages
     * @return exactly {@link Header#dataBytes()} little-endian bytes
     * @throws IOException if the stream cannot be read
     * @throws CheckpointFormatException if the data is truncated or too large for one buffer
     */
    public static ByteBuffer readData(InputStream in, Header header, String what)
            throws IOException {
        long bytes = dataBytes(header, what);
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(
                    what + " declares " + bytes + " data bytes, more than one array can hold");
        }
        // readNBytes grows its buffer as data arrives, so a false size in a short file allocates
        // little.
        byte[] data = in.readNBytes((int) bytes);
        if (data.length != bytes) {
            throw new CheckpointFormatException(
                    what + " is truncated: " + data.length + " of " + bytes + " data bytes");
        }
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long dataBytes(Header header, String what) {
        try {
            return header.dataBytes();
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(
                    what
                            + " declares a shape whose size overflows: "
                            + Arrays.toString(header.shape()),
                    e);
        }
    }

    /**
     * Refuses bytes after an array's data: a writer that appended them did not write .npy.
     *
     * @param in the stream, after {@link #readData}
     * @param what the file (or archive entry) for error messages
     * @throws IOException if the stream cannot be read
     * @throws CheckpointFormatException if anything follows the data
     */
    public static void requireEnd(InputStream in, String what) throws IOException {
        if (in.read() != -1) {
            throw new CheckpointFormatException(
                    what + " has bytes after the data its header declares; expected none");
        }
    }

    /** Counts the bytes read, to know how much of the file is left for the data. */
    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /**
     * Reads an .npy file.
     *
     * @param manager the manager for the array
     * @param path the file
     * @return the array, of the file's element type
     * @throws IOException if the file cannot be read
     * @throws CheckpointFormatException if the file is not a C-ordered .npy array of a supported
     *     type
     */
    public static NDArray read(NDManager manager, Path path) throws IOException {
        long fileSize = Files.size(path);
        try (CountingInputStream in =
                new CountingInputStream(new BufferedInputStream(Files.newInputStream(path)))) {
            String what = path.toString();
            Header header = readHeader(in, what);
            // Checked against the file before reading, so a false shape allocates nothing.
            long left = fileSize - in.count;
            long bytes = dataBytes(header, what);
            if (bytes > left) {
                throw new CheckpointFormatException(
                        what + " is truncated: " + left + " of " + bytes + " data bytes");
            }
            ByteBuffer data = readData(in, header, what);
            requireEnd(in, what);
            Shape shape = new Shape(header.shape());
            if (bytes == 0
                    || header.dataType() == DataType.BOOLEAN
                    || ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                return manager.create(data, shape, header.dataType());
            }
            // Filled through the tensor's own memory: manager.create(heap buffer) would copy it
            // into a Java direct buffer that only the garbage collector frees.
            NDArray array = manager.create(shape, header.dataType());
            array.toByteBuffer(true).put(data);
            return array;
        }
    }

    /**
     * Writes a float32 array as .npy, atomically ({@link AtomicFiles}), creating its directory.
     *
     * @param path the file
     * @param array the array (converted to float32)
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, NDArray array) throws IOException {
        write(
                path,
                array.toType(DataType.FLOAT32, false).toFloatArray(),
                array.getShape().getShape());
    }

    /**
     * Writes float32 values as .npy, atomically ({@link AtomicFiles}), creating its directory.
     *
     * @param path the file
     * @param data the values, C order
     * @param shape the dimensions; their product must equal {@code data.length}
     * @throws IOException if the file cannot be written
     */
    public static void write(Path path, float[] data, long[] shape) throws IOException {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        if (count != data.length) {
            throw new IllegalArgumentException(
                    "shape "
                            + Arrays.toString(shape)
                            + " holds "
                            + count
                            + " values but data has "
                            + data.length);
        }
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String tuple =
                shape.length == 1
                        ? "(" + shape[0] + ",)"
                        : "(" + dims.toString().replaceAll(", $", "") + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }";
        // Version 1 header: magic, 2 version bytes, 2 length bytes, then the dict padded to 64
        // bytes.
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(data);
        Files.createDirectories(path.toAbsolutePath().getParent());
        AtomicFiles.write(
                path,
                os -> {
                    os.write(MAGIC);
                    os.write(new byte[] {1, 0});
                    int len = header.length();
                    os.write(new byte[] {(byte) (len & 0xff), (byte) (len >> 8)});
                    os.write(header.getBytes(StandardCharsets.US_ASCII));
                    os.write(bb.array());
                });
    }
}
