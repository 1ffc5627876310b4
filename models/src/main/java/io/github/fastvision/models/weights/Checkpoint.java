package io.github.fastvision.models.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The tensors of a checkpoint by name, read from {@code .safetensors}, {@code .npz} or PyTorch's
 * zip {@code .pth}/{@code .pt} format (torch.save since 1.6). Nested checkpoints ({@code
 * {"state_dict": …}}, {@code {"model": …}}, {@code {"model_ema": …}}) are unwrapped and a {@code
 * module.} prefix (DataParallel) is dropped.
 */
public final class Checkpoint {

    /** Keys that wrap a state dict, in order of preference. */
    private static final List<String> WRAPPERS =
            List.of("state_dict", "model", "model_ema", "state_dict_ema", "module");

    private final Map<String, TensorData> tensors;

    private Checkpoint(Map<String, TensorData> tensors) {
        this.tensors = tensors;
    }

    /**
     * Returns the tensors by name, in file order.
     *
     * @return the tensors
     */
    public Map<String, TensorData> tensors() {
        return tensors;
    }

    /**
     * Reads a checkpoint, choosing the format from the file's first bytes.
     *
     * @param file the checkpoint
     * @return its tensors
     * @throws IOException if the file cannot be read
     * @throws CheckpointFormatException naming the file and what was wrong when it is none of the
     *     formats, truncated, inconsistent, beyond the size its file can hold, or refuses to
     *     unpickle safely
     */
    public static Checkpoint read(Path file) throws IOException {
        byte[] head;
        try (InputStream is = Files.newInputStream(file)) {
            head = is.readNBytes(16);
        }
        Map<String, TensorData> raw;
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K') {
            raw = readZip(file);
        } else if (head.length >= 9 && head[8] == '{') {
            raw = Safetensors.read(file);
        } else if (head.length >= 2 && (head[0] & 0xff) == 0x80) {
            throw new CheckpointFormatException(
                    file
                            + " is a legacy (pre-1.6) torch.save file; re-save it with torch>=1.6 or export"
                            + " .safetensors");
        } else {
            throw new CheckpointFormatException(
                    file
                            + " is not a checkpoint: expected .safetensors, .npz or a PyTorch zip .pth/.pt");
        }
        Map<String, TensorData> clean = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : raw.entrySet()) {
            String key = e.getKey().startsWith("module.") ? e.getKey().substring(7) : e.getKey();
            if (clean.put(key, e.getValue()) != null) {
                throw new CheckpointFormatException(
                        file + ": tensor " + key + " appears both with and without module.");
            }
        }
        return new Checkpoint(clean);
    }

    private static Map<String, TensorData> readZip(Path file) throws IOException {
        long fileSize = Files.size(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = null;
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl")) {
                    pkl = e;
                }
            }
            if (pkl == null) {
                return Npz.read(file);
            }
            String prefix =
                    pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            Budget budget = new Budget(file, fileSize);
            Object root;
            try (InputStream is = zip.getInputStream(pkl)) {
                root =
                        SafeUnpickler.load(
                                budget.read(is, pkl, -1, "the pickle " + pkl.getName()),
                                file.toString());
            }
            Map<String, SafeUnpickler.TensorRef> refs = stateDict(root, file);
            Map<String, ByteBuffer> storages = new HashMap<>();
            Map<String, TensorData> out = new LinkedHashMap<>();
            long copied = 0;
            for (Map.Entry<String, SafeUnpickler.TensorRef> e : refs.entrySet()) {
                SafeUnpickler.TensorRef ref = e.getValue();
                String key = ref.storage().key();
                long need = bytes(ref.storage().numel(), ref.storage().dtype(), file, key);
                ByteBuffer storage = storages.get(key);
                if (storage == null) {
                    ZipEntry data = zip.getEntry(prefix + "data/" + key);
                    if (data == null) {
                        throw new CheckpointFormatException(
                                file
                                        + " is truncated: storage "
                                        + key
                                        + " of "
                                        + e.getKey()
                                        + " is missing");
                    }
                    try (InputStream is = zip.getInputStream(data)) {
                        storage =
                                ByteBuffer.wrap(budget.read(is, data, need, "storage " + key))
                                        .order(ByteOrder.LITTLE_ENDIAN);
                    }
                    storages.put(key, storage);
                } else if (storage.capacity() != need) {
                    throw new CheckpointFormatException(
                            file
                                    + ": storage "
                                    + key
                                    + " is declared with "
                                    + need
                                    + " bytes by one tensor and "
                                    + storage.capacity()
                                    + " by another");
                }
                TensorData t = view(storage, ref, e.getKey(), file);
                if (t.data().array() != storage.array()) {
                    // A strided view is copied; together the copies may not outgrow the storages.
                    copied += t.data().remaining();
                    if (copied > budget.used) {
                        throw new CheckpointFormatException(
                                file
                                        + ": its strided tensors would copy "
                                        + copied
                                        + " bytes out of "
                                        + budget.used
                                        + " bytes of storage; expected each storage viewed once");
                    }
                }
                out.put(e.getKey(), t);
            }
            return out;
        } catch (ZipException | java.io.EOFException e) {
            throw new CheckpointFormatException(
                    file + " is truncated or not a valid zip checkpoint: " + e.getMessage(), e);
        } catch (CheckpointFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // ZipFile's own refusal of a malformed entry name or header field.
            throw new CheckpointFormatException(
                    file + " is not a valid zip checkpoint: " + e.getMessage(), e);
        }
    }

    /**
     * What a zip checkpoint may decompress to: at most {@value #MAX_EXPANSION} times the file's
     * size in all, each storage exactly the bytes its tensors declare. Entries are read
     * incrementally, so a zip bomb stops at the budget instead of being inflated whole.
     */
    private static final class Budget {
        private final Path file;
        private final long limit;
        private long used;

        Budget(Path file, long fileSize) {
            this.file = file;
            this.limit = Math.max(1L << 20, Math.multiplyExact(fileSize, MAX_EXPANSION));
        }

        /**
         * Reads one entry.
         *
         * @param expected the exact size it must have, or -1 for any size within the budget
         */
        byte[] read(InputStream is, ZipEntry entry, long expected, String what) throws IOException {
            long declared = entry.getSize();
            if (expected >= 0 && declared >= 0 && declared != expected) {
                throw new CheckpointFormatException(
                        file
                                + ": "
                                + what
                                + " should hold "
                                + expected
                                + " bytes but its zip entry declares "
                                + declared);
            }
            long room = Math.min(limit - used, Integer.MAX_VALUE - 16L);
            long want = expected >= 0 ? expected : room;
            if (want > room) {
                throw new CheckpointFormatException(
                        file
                                + ": "
                                + what
                                + " declares "
                                + want
                                + " bytes, beyond the "
                                + limit
                                + " bytes a "
                                + (limit / MAX_EXPANSION)
                                + "-byte checkpoint may expand to");
            }
            // readNBytes grows its buffer as data arrives; one byte more detects an overlong entry.
            byte[] b = is.readNBytes((int) Math.min(want + 1, Integer.MAX_VALUE - 8L));
            if (b.length > want) {
                throw new CheckpointFormatException(
                        file
                                + ": "
                                + what
                                + (expected >= 0
                                        ? " holds more than the " + expected + " bytes declared"
                                        : " expands beyond the " + room + " bytes allowed"));
            }
            if (expected >= 0 && b.length < expected) {
                throw new CheckpointFormatException(
                        file
                                + " is truncated: "
                                + what
                                + " has "
                                + b.length
                                + " of "
                                + expected
                                + " bytes");
            }
            used += b.length;
            return b;
        }
    }

    /**
     * How many times its file size a zip checkpoint may inflate to (float weights barely compress).
     */
    static final long MAX_EXPANSION = 64;

    private static long bytes(long numel, DType dtype, Path file, String key) {
        try {
            return Math.multiplyExact(numel, dtype.size());
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(
                    file + ": storage " + key + " declares " + numel + " elements, an overflow", e);
        }
    }

    /** Deepest chain of wrapper dicts unwrapped; real checkpoints have one or two. */
    private static final int MAX_WRAPPERS = SafeUnpickler.MAX_DEPTH;

    /** Finds the state dict inside a (possibly nested) checkpoint. */
    @SuppressWarnings("unchecked")
    private static Map<String, SafeUnpickler.TensorRef> stateDict(Object root, Path file) {
        Object node = root;
        for (int level = 0; node instanceof Map; level++) {
            if (level > MAX_WRAPPERS) {
                throw new CheckpointFormatException(
                        file
                                + ": state dict wrapped in more than "
                                + MAX_WRAPPERS
                                + " dicts (a cycle?); expected one or two");
            }
            Map<Object, Object> map = (Map<Object, Object>) node;
            Object inner = null;
            for (String w : WRAPPERS) {
                if (map.get(w) instanceof Map) {
                    inner = map.get(w);
                    break;
                }
            }
            if (inner == null) {
                break;
            }
            node = inner;
        }
        if (!(node instanceof Map)) {
            throw new CheckpointFormatException(
                    file
                            + " does not hold a state dict (a dict of tensors) but "
                            + SafeUnpickler.describe(node));
        }
        Map<String, SafeUnpickler.TensorRef> out = new LinkedHashMap<>();
        List<String> other = new ArrayList<>();
        for (Map.Entry<Object, Object> e : ((Map<Object, Object>) node).entrySet()) {
            // Keys are strings or integers (SafeUnpickler refuses others).
            String key = String.valueOf(e.getKey());
            if (e.getValue() instanceof SafeUnpickler.TensorRef) {
                if (out.put(key, (SafeUnpickler.TensorRef) e.getValue()) != null) {
                    throw new CheckpointFormatException(
                            file + ": tensor " + key + " appears twice (as a string and a number)");
                }
            } else if (other.size() < 20) {
                other.add(key);
            }
        }
        if (out.isEmpty()) {
            throw new CheckpointFormatException(file + " holds no tensors (keys: " + other + ")");
        }
        return out;
    }

    /**
     * The tensor a {@code _rebuild_tensor_v2} view describes, as torch would accept it: sizes and
     * the offset not negative, one stride per dimension, no zero or negative stride on a dimension
     * longer than one, no more elements than the storage and the whole view inside it ({@code
     * offset + Σ (size_i − 1)·stride_i < storage numel}), all in exact arithmetic.
     */
    private static TensorData view(
            ByteBuffer storage, SafeUnpickler.TensorRef ref, String key, Path file) {
        DType dtype = ref.storage().dtype();
        int es = dtype.size();
        long[] size = ref.size();
        long[] stride = ref.stride();
        long storageNumel = ref.storage().numel();
        String where = file + ": tensor " + key;
        if (stride.length != size.length) {
            throw new CheckpointFormatException(
                    where + " has " + size.length + " sizes but " + stride.length + " strides");
        }
        if (ref.offset() < 0) {
            throw new CheckpointFormatException(
                    where + " has storage offset " + ref.offset() + "; expected 0 or more");
        }
        long numel = 1;
        long last = ref.offset();
        try {
            for (int i = 0; i < size.length; i++) {
                if (size[i] < 0) {
                    throw new CheckpointFormatException(
                            where + " has negative size " + size[i] + " in dimension " + i);
                }
                if (size[i] > 1 && stride[i] <= 0) {
                    throw new CheckpointFormatException(
                            where
                                    + " has stride "
                                    + stride[i]
                                    + " on dimension "
                                    + i
                                    + " of size "
                                    + size[i]
                                    + "; a state dict's tensors have positive strides");
                }
                numel = Math.multiplyExact(numel, size[i]);
                if (size[i] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
                }
            }
        } catch (ArithmeticException e) {
            throw new CheckpointFormatException(
                    where + " has a size or stride whose product overflows a long", e);
        }
        if (numel == 0) {
            return new TensorData(dtype, size, ByteBuffer.allocate(0));
        }
        if (numel > storageNumel || last >= storageNumel) {
            throw new CheckpointFormatException(
                    where
                            + " lies outside its storage: "
                            + numel
                            + " elements reaching element "
                            + last
                            + " of a storage of "
                            + storageNumel);
        }
        long[] contiguous = new long[size.length];
        long s = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            contiguous[i] = s;
            s *= size[i];
        }
        boolean isContiguous = true;
        for (int i = 0; i < size.length; i++) {
            if (size[i] > 1 && stride[i] != contiguous[i]) {
                isContiguous = false;
            }
        }
        // Storage bytes fit in an int (read into one array), and the view lies inside it.
        if (isContiguous) {
            int begin = (int) (ref.offset() * es);
            return new TensorData(dtype, size, storage.slice(begin, (int) (numel * es)));
        }
        ByteBuffer out = ByteBuffer.allocate((int) (numel * es)).order(ByteOrder.LITTLE_ENDIAN);
        long[] idx = new long[size.length];
        byte[] element = new byte[es];
        for (long n = 0; n < numel; n++) {
            long src = ref.offset();
            for (int d = 0; d < size.length; d++) {
                src += idx[d] * stride[d];
            }
            storage.get((int) (src * es), element);
            out.put(element);
            for (int d = size.length - 1; d >= 0; d--) {
                if (++idx[d] < size[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        out.flip();
        return new TensorData(dtype, size, out);
    }
}
