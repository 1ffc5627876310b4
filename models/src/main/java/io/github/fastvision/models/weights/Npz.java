package io.github.fastvision.models.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Reads NumPy .npz archives (numpy.savez / savez_compressed) of C-ordered arrays. */
final class Npz {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npz() {}

    static Map<String, TensorData> read(Path file) throws IOException {
        Map<String, TensorData> out = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    throw new IllegalArgumentException(file + " holds " + name + ", not an .npy array");
                }
                try (InputStream is = zip.getInputStream(entry)) {
                    out.put(name.substring(0, name.length() - 4), npy(is, file + ":" + name));
                }
            }
        } catch (ZipException e) {
            throw new IllegalArgumentException(file + " is truncated or not a valid .npz archive: " + e.getMessage(), e);
        }
        return out;
    }

    static TensorData npy(InputStream is, String what) throws IOException {
        byte[] magic = is.readNBytes(8);
        if (magic.length < 8 || (magic[0] & 0xff) != 0x93 || magic[1] != 'N') {
            throw new IllegalArgumentException(what + " is not an .npy array");
        }
        int major = magic[6];
        byte[] lenBytes = is.readNBytes(major == 1 ? 2 : 4);
        int len = 0;
        for (int i = lenBytes.length - 1; i >= 0; i--) {
            len = (len << 8) | (lenBytes[i] & 0xff);
        }
        String header = new String(is.readNBytes(len), StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IllegalArgumentException(what + " has a malformed .npy header: " + header.trim());
        }
        if ("True".equals(f.group(1))) {
            throw new IllegalArgumentException(what + " is Fortran-ordered; save C-ordered arrays");
        }
        DType dtype = DType.fromNumpy(d.group(1));
        String[] parts = s.group(1).split(",");
        long[] shape = java.util.Arrays.stream(parts).map(String::trim).filter(p -> !p.isEmpty()).mapToLong(Long::parseLong).toArray();
        long bytes = TensorData.numel(shape) * dtype.size();
        byte[] data = is.readNBytes((int) bytes);
        if (data.length != bytes) {
            throw new IllegalArgumentException(what + " is truncated: " + data.length + " of " + bytes + " data bytes");
        }
        return new TensorData(dtype, shape, ByteBuffer.wrap(data));
    }
}
