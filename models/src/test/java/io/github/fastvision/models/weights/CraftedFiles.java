package io.github.fastvision.models.weights;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Byte builders for crafted checkpoints: a pickle writer, torch zips, safetensors and .npy. */
final class CraftedFiles {

    private CraftedFiles() {}

    /** Writes pickle opcodes one by one. */
    static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle() {
            op(0x80).op(2);
        }

        Pickle op(int b) {
            out.write(b);
            return this;
        }

        Pickle raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        Pickle int32(int v) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        /** BINUNICODE. */
        Pickle str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return op('X').int32(b.length).raw(b);
        }

        /** BININT when it fits, else an 8-byte LONG1. */
        Pickle integer(long v) {
            if (v == (int) v) {
                return op('J').int32((int) v);
            }
            return op(0x8a).op(8)
                    .raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        /** GLOBAL module name. */
        Pickle global(String module, String name) {
            return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        Pickle mark() {
            return op('(');
        }

        Pickle tuple() {
            return op('t');
        }

        Pickle ints(long... v) {
            mark();
            for (long x : v) {
                integer(x);
            }
            return tuple();
        }

        /** A {@code _rebuild_tensor_v2} call on storage "0" of the given type and size. */
        Pickle tensor(String storage, long numel, long offset, long[] size, long[] stride) {
            global("torch._utils", "_rebuild_tensor_v2");
            mark();
            mark().str("storage").global("torch", storage).str("0").str("cpu").integer(numel);
            tuple().op('Q');
            integer(offset).ints(size).ints(stride).op(0x89);
            return tuple().op('R');
        }

        Pickle stop() {
            return op('.');
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** {@code {"w": tensor}} as torch.save pickles it. */
    static byte[] stateDict(long numel, long offset, long[] size, long[] stride) {
        return new Pickle()
                .op('}')
                .mark()
                .str("w")
                .tensor("FloatStorage", numel, offset, size, stride)
                .op('u')
                .stop()
                .bytes();
    }

    /** A torch.save zip: archive/data.pkl and archive/data/KEY, stored or deflated. */
    static Path pth(Path file, byte[] pickle, Map<String, byte[]> storages, boolean deflate)
            throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            entry(zip, "archive/data.pkl", pickle, false);
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                entry(zip, "archive/data/" + e.getKey(), e.getValue(), deflate);
            }
        }
        return file;
    }

    /**
     * A zip whose entry {@code entry} is {@code prefix} then {@code zeros} zero bytes, deflated (a
     * zip bomb), after an optional stored pickle entry.
     */
    static Path zipBomb(
            Path file, String pklOrNull, byte[] pickle, String entry, byte[] prefix, long zeros)
            throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(os)) {
            if (pickle != null) {
                entry(zip, pklOrNull, pickle, false);
            }
            ZipEntry e = new ZipEntry(entry);
            e.setMethod(ZipEntry.DEFLATED);
            zip.setLevel(9);
            zip.putNextEntry(e);
            zip.write(prefix);
            byte[] chunk = new byte[1 << 20];
            for (long n = 0; n < zeros; n += chunk.length) {
                zip.write(chunk, 0, (int) Math.min(chunk.length, zeros - n));
            }
            zip.closeEntry();
        }
        return file;
    }

    static void entry(ZipOutputStream zip, String name, byte[] data, boolean deflate)
            throws IOException {
        ZipEntry e = new ZipEntry(name);
        if (!deflate) {
            e.setMethod(ZipEntry.STORED);
            e.setSize(data.length);
            CRC32 crc = new CRC32();
            crc.update(data);
            e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** A safetensors file: u64 length, the header text as given, then the data. */
    static Path safetensors(Path file, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return safetensors(file, h.length, h, data);
    }

    /** A safetensors file whose length field says {@code declared}. */
    static Path safetensors(Path file, long declared, byte[] header, byte[] data)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declared).array());
        out.writeBytes(header);
        out.writeBytes(data);
        Files.write(file, out.toByteArray());
        return file;
    }

    /** A version-1 .npy file with the given header dict and data. */
    static byte[] npy(String descr, String shape, byte[] data) {
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

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }
}
