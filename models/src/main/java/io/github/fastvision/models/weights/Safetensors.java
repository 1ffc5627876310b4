package io.github.fastvision.models.weights;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the safetensors format: u64 header length, JSON header, raw little-endian data. The header
 * is held to the format's rules: a length inside the file (and under the format's 100 MB), strict
 * UTF-8 JSON of the fixed schema (no duplicate keys, no comments or other lenient syntax, integer
 * dimensions and offsets), and {@code data_offsets} that match each tensor's size and tile the data
 * exactly, without overlaps or holes. Any departure is a {@link CheckpointFormatException}; since
 * the schema is fixed, nesting deeper than it is refused at the first unexpected bracket.
 */
final class Safetensors {

    /** The format's own bound on the header. */
    private static final long MAX_HEADER = 100L << 20;

    /** A JSON integer literal: no fraction, exponent or leading zeros. */
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");

    private static final Pattern POSITION = Pattern.compile("at line \\d+ column \\d+");

    private Safetensors() {}

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

    static Map<String, TensorData> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointFormatException(file + " is truncated: no safetensors header");
            }
            if (size > Integer.MAX_VALUE) {
                throw new CheckpointFormatException(
                        file + " is " + size + " bytes; safetensors files over 2 GiB are not read");
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            map.order(ByteOrder.LITTLE_ENDIAN);
            long headerLen = map.getLong(0);
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > MAX_HEADER) {
                throw new CheckpointFormatException(
                        file
                                + " is truncated or not safetensors: header of "
                                + Long.toUnsignedString(headerLen)
                                + " bytes in a "
                                + size
                                + "-byte file");
            }
            byte[] header = new byte[(int) headerLen];
            map.get(8, header);
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            List<Entry> entries = parse(file, utf8(file, header));
            Map<String, TensorData> out = new LinkedHashMap<>();
            for (Entry e : entries) {
                long need = bytes(file, e);
                if (e.end() > dataLen) {
                    throw new CheckpointFormatException(
                            file
                                    + " is truncated: tensor "
                                    + e.name()
                                    + " ends at data byte "
                                    + e.end()
                                    + " of "
                                    + dataLen);
                }
                if (e.end() - e.begin() != need) {
                    throw new CheckpointFormatException(
                            file
                                    + ": tensor "
                                    + e.name()
                                    + " of shape "
                                    + java.util.Arrays.toString(e.shape())
                                    + " and "
                                    + e.dtype()
                                    + " needs "
                                    + need
                                    + " bytes but its data_offsets span "
                                    + (e.end() - e.begin()));
                }
            }
            List<Entry> byOffset = new ArrayList<>(entries);
            byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
            long next = 0;
            for (Entry e : byOffset) {
                if (e.begin() != next) {
                    throw new CheckpointFormatException(
                            file
                                    + ": tensor "
                                    + e.name()
                                    + " starts at data byte "
                                    + e.begin()
                                    + " but the previous tensor ends at "
                                    + next
                                    + (e.begin() < next ? " (overlap)" : " (hole)"));
                }
                next = e.end();
            }
            if (next != dataLen) {
                throw new CheckpointFormatException(
                        file
                                + ": the tensors cover "
                                + next
                                + " of the "
                                + dataLen
                                + " data bytes; expected exactly all of them");
            }
            for (Entry e : entries) {
                ByteBuffer slice =
                        map.slice((int) (dataStart + e.begin()), (int) (e.end() - e.begin()));
                out.put(e.name(), new TensorData(e.dtype(), e.shape(), slice));
            }
            return out;
        }
    }

    private static long bytes(Path file, Entry e) {
        try {
            long n = e.dtype().size();
            for (long d : e.shape()) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException x) {
            throw new CheckpointFormatException(
                    file + ": tensor " + e.name() + " has a shape whose size overflows", x);
        }
    }

    private static String utf8(Path file, byte[] header) {
        try {
            CharBuffer chars =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(header));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointFormatException(
                    file + " has a safetensors header that is not valid UTF-8", e);
        }
    }

    /** Parses the header strictly against the fixed schema. */
    private static List<Entry> parse(Path file, String json) {
        List<Entry> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        try (JsonReader r = new JsonReader(new StringReader(json))) {
            r.setStrictness(Strictness.STRICT);
            expect(file, r, JsonToken.BEGIN_OBJECT, "the header");
            r.beginObject();
            while (r.hasNext()) {
                String name = r.nextName();
                if (!names.add(name)) {
                    throw new CheckpointFormatException(
                            file + " has a safetensors header with the key " + name + " twice");
                }
                if ("__metadata__".equals(name)) {
                    metadata(file, r);
                } else {
                    out.add(tensor(file, r, name));
                }
            }
            r.endObject();
            if (r.peek() != JsonToken.END_DOCUMENT) {
                throw new CheckpointFormatException(
                        file + " has a safetensors header with data after its JSON object");
            }
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Gson's MalformedJsonException and IllegalStateException name the position.
            Matcher where = POSITION.matcher(String.valueOf(e.getMessage()));
            throw new CheckpointFormatException(
                    file
                            + " has a malformed safetensors header: expected strict JSON, found "
                            + (where.find() ? "an error " + where.group() : "invalid JSON"),
                    e);
        }
        return out;
    }

    private static void metadata(Path file, JsonReader r) throws IOException {
        expect(file, r, JsonToken.BEGIN_OBJECT, "__metadata__");
        r.beginObject();
        Set<String> keys = new HashSet<>();
        while (r.hasNext()) {
            String k = r.nextName();
            if (!keys.add(k)) {
                throw new CheckpointFormatException(
                        file + " has the __metadata__ key " + k + " twice");
            }
            expect(file, r, JsonToken.STRING, "__metadata__ value " + k);
            r.nextString();
        }
        r.endObject();
    }

    private static Entry tensor(Path file, JsonReader r, String name) throws IOException {
        String where = "tensor " + name;
        expect(file, r, JsonToken.BEGIN_OBJECT, where);
        r.beginObject();
        DType dtype = null;
        long[] shape = null;
        long[] offsets = null;
        while (r.hasNext()) {
            String k = r.nextName();
            switch (k) {
                case "dtype":
                    if (dtype != null) {
                        throw duplicate(file, where, k);
                    }
                    expect(file, r, JsonToken.STRING, where + " dtype");
                    String d = r.nextString();
                    try {
                        dtype = DType.fromSafetensors(d);
                    } catch (IllegalArgumentException e) {
                        throw new CheckpointFormatException(
                                file + ": " + where + " has unsupported dtype " + d, e);
                    }
                    break;
                case "shape":
                    if (shape != null) {
                        throw duplicate(file, where, k);
                    }
                    shape = integers(file, r, where + " shape");
                    break;
                case "data_offsets":
                    if (offsets != null) {
                        throw duplicate(file, where, k);
                    }
                    offsets = integers(file, r, where + " data_offsets");
                    break;
                default:
                    throw new CheckpointFormatException(
                            file
                                    + ": "
                                    + where
                                    + " has the key "
                                    + k
                                    + "; expected dtype, shape and data_offsets");
            }
        }
        r.endObject();
        if (dtype == null || shape == null || offsets == null) {
            throw new CheckpointFormatException(
                    file + ": " + where + " lacks dtype, shape or data_offsets");
        }
        if (offsets.length != 2 || offsets[0] > offsets[1]) {
            throw new CheckpointFormatException(
                    file
                            + ": "
                            + where
                            + " has data_offsets "
                            + java.util.Arrays.toString(offsets)
                            + "; expected [begin, end] with 0 <= begin <= end");
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** An array of non-negative JSON integers (no fractions, exponents or quoted numbers). */
    private static long[] integers(Path file, JsonReader r, String where) throws IOException {
        expect(file, r, JsonToken.BEGIN_ARRAY, where);
        r.beginArray();
        List<Long> values = new ArrayList<>();
        while (r.hasNext()) {
            if (values.size() >= 64) {
                throw new CheckpointFormatException(
                        file + ": " + where + " has more than 64 entries");
            }
            expect(file, r, JsonToken.NUMBER, where);
            String literal = r.nextString();
            if (!INTEGER.matcher(literal).matches()) {
                throw new CheckpointFormatException(
                        file + ": " + where + " holds " + literal + "; expected an integer");
            }
            long v;
            try {
                v = Long.parseLong(literal);
            } catch (NumberFormatException e) {
                throw new CheckpointFormatException(
                        file + ": " + where + " holds " + literal + ", beyond a long", e);
            }
            if (v < 0) {
                throw new CheckpointFormatException(
                        file + ": " + where + " holds " + v + "; expected 0 or more");
            }
            values.add(v);
        }
        r.endArray();
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static void expect(Path file, JsonReader r, JsonToken token, String where)
            throws IOException {
        JsonToken got = r.peek();
        if (got != token) {
            throw new CheckpointFormatException(
                    file
                            + " has a malformed safetensors header: "
                            + where
                            + " is a JSON "
                            + got
                            + ", expected "
                            + token);
        }
    }

    private static CheckpointFormatException duplicate(Path file, String where, String key) {
        return new CheckpointFormatException(
                file + ": " + where + " has the key " + key + " twice");
    }
}
