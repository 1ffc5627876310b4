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
     * @throws IllegalArgumentException naming the expected formats when it is none of them, or when
     *     it is truncated or refuses to unpickle safely
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
            throw new IllegalArgumentException(
                    file
                            + " is a legacy (pre-1.6) torch.save file; re-save it with torch>=1.6 or export"
                            + " .safetensors");
        } else {
            throw new IllegalArgumentException(
                    file
                            + " is not a checkpoint: expected .safetensors, .npz or a PyTorch zip .pth/.pt");
        }
        Map<String, TensorData> clean = new LinkedHashMap<>();
        for (Map.Entry<String, TensorData> e : raw.entrySet()) {
            String key = e.getKey().startsWith("module.") ? e.getKey().substring(7) : e.getKey();
            clean.put(key, e.getValue());
        }
        return new Checkpoint(clean);
    }

    private static Map<String, TensorData> readZip(Path file) throws IOException {
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
            Object root;
            try (InputStream is = zip.getInputStream(pkl)) {
                root = SafeUnpickler.load(is.readAllBytes());
            }
            Map<String, SafeUnpickler.TensorRef> refs = stateDict(root, file);
            Map<String, ByteBuffer> storages = new HashMap<>();
            Map<String, TensorData> out = new LinkedHashMap<>();
            for (Map.Entry<String, SafeUnpickler.TensorRef> e : refs.entrySet()) {
                SafeUnpickler.TensorRef ref = e.getValue();
                ByteBuffer storage = storages.get(ref.storage().key());
                if (storage == null) {
                    ZipEntry data = zip.getEntry(prefix + "data/" + ref.storage().key());
                    if (data == null) {
                        throw new IllegalArgumentException(
                                file
                                        + " is truncated: storage "
                                        + ref.storage().key()
                                        + " of "
                                        + e.getKey()
                                        + " is missing");
                    }
                    try (InputStream is = zip.getInputStream(data)) {
                        storage = ByteBuffer.wrap(is.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
                    }
                    long need = ref.storage().numel() * ref.storage().dtype().size();
                    if (storage.capacity() < need) {
                        throw new IllegalArgumentException(
                                file
                                        + " is truncated: storage "
                                        + ref.storage().key()
                                        + " has "
                                        + storage.capacity()
                                        + " of "
                                        + need
                                        + " bytes");
                    }
                    storages.put(ref.storage().key(), storage);
                }
                out.put(e.getKey(), view(storage, ref, e.getKey(), file));
            }
            return out;
        } catch (ZipException | java.io.EOFException e) {
            throw new IllegalArgumentException(
                    file + " is truncated or not a valid zip checkpoint: " + e.getMessage(), e);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException(file + " has a truncated pickle", e);
        }
    }

    /** Finds the state dict inside a (possibly nested) checkpoint. */
    @SuppressWarnings("unchecked")
    private static Map<String, SafeUnpickler.TensorRef> stateDict(Object root, Path file) {
        Object node = root;
        while (node instanceof Map) {
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
            throw new IllegalArgumentException(
                    file + " does not hold a state dict (a dict of tensors)");
        }
        Map<String, SafeUnpickler.TensorRef> out = new LinkedHashMap<>();
        List<String> other = new ArrayList<>();
        for (Map.Entry<Object, Object> e : ((Map<Object, Object>) node).entrySet()) {
            if (e.getValue() instanceof SafeUnpickler.TensorRef) {
                out.put(String.valueOf(e.getKey()), (SafeUnpickler.TensorRef) e.getValue());
            } else {
                other.add(String.valueOf(e.getKey()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no tensors (keys: " + other + ")");
        }
        return out;
    }

    private static TensorData view(
            ByteBuffer storage, SafeUnpickler.TensorRef ref, String key, Path file) {
        DType dtype = ref.storage().dtype();
        int es = dtype.size();
        long[] size = ref.size();
        long numel = TensorData.numel(size);
        long[] contiguous = new long[size.length];
        long s = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            contiguous[i] = s;
            s *= size[i];
        }
        boolean isContiguous = true;
        for (int i = 0; i < size.length; i++) {
            if (size[i] > 1 && ref.stride()[i] != contiguous[i]) {
                isContiguous = false;
            }
        }
        if (isContiguous) {
            long begin = ref.offset() * es;
            if (begin + numel * es > storage.capacity()) {
                throw new IllegalArgumentException(
                        file + ": tensor " + key + " lies outside its storage");
            }
            return new TensorData(dtype, size, storage.slice((int) begin, (int) (numel * es)));
        }
        ByteBuffer out = ByteBuffer.allocate((int) (numel * es)).order(ByteOrder.LITTLE_ENDIAN);
        long[] idx = new long[size.length];
        byte[] element = new byte[es];
        for (long n = 0; n < numel; n++) {
            long src = ref.offset();
            for (int d = 0; d < size.length; d++) {
                src += idx[d] * ref.stride()[d];
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
