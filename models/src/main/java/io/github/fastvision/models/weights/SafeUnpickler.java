package io.github.fastvision.models.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A pickle reader for PyTorch state dicts that never executes code. It knows the opcodes that
 * {@code torch.save} emits (protocols 2–5) and exactly the globals a state dict needs: {@code
 * collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code
 * torch._utils._rebuild_parameter} and the typed storage classes. Any other global or opcode is
 * refused with an error naming it, before anything is built from it.
 */
final class SafeUnpickler {

    /** A reference to a storage in the archive (resolved by the caller). */
    record StorageRef(DType dtype, String key, long numel) {}

    /** A tensor view on a storage. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    private enum Global {
        ORDERED_DICT,
        REBUILD_TENSOR_V2,
        REBUILD_PARAMETER,
        STORAGE
    }

    private record GlobalRef(Global kind, String name) {}

    private static final Set<String> STORAGES =
            Set.of(
                    "FloatStorage",
                    "HalfStorage",
                    "BFloat16Storage",
                    "DoubleStorage",
                    "LongStorage",
                    "IntStorage",
                    "ByteStorage",
                    "BoolStorage");

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();
    private final Function<Object, Object> persistentLoad;

    private SafeUnpickler(byte[] data, Function<Object, Object> persistentLoad) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoad = persistentLoad;
    }

    /**
     * Unpickles a state dict.
     *
     * @param data the pickle bytes
     * @return the top-level object (maps, lists, tuples as lists, strings, numbers, TensorRefs)
     */
    static Object load(byte[] data) {
        return new SafeUnpickler(data, SafeUnpickler::storage).run();
    }

    private static Object storage(Object pid) {
        List<?> t = asList(pid, "persistent id");
        if (t.size() < 5 || !"storage".equals(t.get(0)) || !(t.get(1) instanceof GlobalRef)) {
            throw new IllegalArgumentException(
                    "unsupported persistent id " + t + " (expected a torch storage)");
        }
        GlobalRef type = (GlobalRef) t.get(1);
        return new StorageRef(
                DType.fromTorchStorage(type.name()), String.valueOf(t.get(2)), toLong(t.get(4)));
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) {
                throw new IllegalArgumentException("pickle ended without STOP: truncated");
            }
            int pos = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80: // PROTO
                    in.get();
                    break;
                case 0x95: // FRAME
                    in.getLong();
                    break;
                case '}': // EMPTY_DICT
                    push(new LinkedHashMap<Object, Object>());
                    break;
                case ']': // EMPTY_LIST
                    push(new ArrayList<Object>());
                    break;
                case ')': // EMPTY_TUPLE
                    push(List.of());
                    break;
                case '(': // MARK
                    push(MARK);
                    break;
                case 'X': // BINUNICODE
                    push(string(in.getInt()));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    push(string(in.get() & 0xff));
                    break;
                case 0x8d: // BINUNICODE8
                    push(string((int) in.getLong()));
                    break;
                case 'U': // SHORT_BINSTRING
                    push(string(in.get() & 0xff));
                    break;
                case 'T': // BINSTRING
                    push(string(in.getInt()));
                    break;
                case 'C': // SHORT_BINBYTES
                    push(bytes(in.get() & 0xff));
                    break;
                case 'B': // BINBYTES
                    push(bytes(in.getInt()));
                    break;
                case 'q': // BINPUT
                    memo.put(in.get() & 0xff, peek());
                    break;
                case 'r': // LONG_BINPUT
                    memo.put(in.getInt(), peek());
                    break;
                case 0x94: // MEMOIZE
                    memo.put(memo.size(), peek());
                    break;
                case 'h': // BINGET
                    push(get(in.get() & 0xff));
                    break;
                case 'j': // LONG_BINGET
                    push(get(in.getInt()));
                    break;
                case 'c': // GLOBAL
                    push(global(line(), line()));
                    break;
                case 0x93:
                    { // STACK_GLOBAL
                        String name = (String) pop();
                        String module = (String) pop();
                        push(global(module, name));
                        break;
                    }
                case 't': // TUPLE
                    push(List.copyOf(popMark()));
                    break;
                case 0x85: // TUPLE1
                    push(Arrays.asList(pop()));
                    break;
                case 0x86:
                    { // TUPLE2
                        Object b = pop();
                        Object a = pop();
                        push(Arrays.asList(a, b));
                        break;
                    }
                case 0x87:
                    { // TUPLE3
                        Object c = pop();
                        Object b = pop();
                        Object a = pop();
                        push(Arrays.asList(a, b, c));
                        break;
                    }
                case 'J': // BININT
                    push((long) in.getInt());
                    break;
                case 'K': // BININT1
                    push((long) (in.get() & 0xff));
                    break;
                case 'M': // BININT2
                    push((long) (in.getShort() & 0xffff));
                    break;
                case 0x8a:
                    { // LONG1
                        int n = in.get() & 0xff;
                        long v = 0;
                        for (int i = 0; i < n; i++) {
                            v |= (long) (in.get() & 0xff) << (8 * i);
                        }
                        if (n > 0 && n < 8 && (v >> (8 * n - 1) & 1) == 1) {
                            v -= 1L << (8 * n);
                        }
                        push(v);
                        break;
                    }
                case 'G': // BINFLOAT (big-endian)
                    push(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
                    break;
                case 0x88: // NEWTRUE
                    push(Boolean.TRUE);
                    break;
                case 0x89: // NEWFALSE
                    push(Boolean.FALSE);
                    break;
                case 'N': // NONE
                    push(null);
                    break;
                case 'R':
                    { // REDUCE
                        List<?> args = asList(pop(), "REDUCE arguments");
                        push(reduce(pop(), args));
                        break;
                    }
                case 'b': // BUILD: state (module metadata) is not needed for tensors
                    pop();
                    break;
                case 's':
                    { // SETITEM
                        Object v = pop();
                        Object k = pop();
                        asMap(peek()).put(k, v);
                        break;
                    }
                case 'u':
                    { // SETITEMS
                        List<Object> items = popMark();
                        Map<Object, Object> map = asMap(peek());
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            map.put(items.get(i), items.get(i + 1));
                        }
                        break;
                    }
                case 'a':
                    { // APPEND
                        Object v = pop();
                        asMutableList(peek()).add(v);
                        break;
                    }
                case 'e':
                    { // APPENDS
                        List<Object> items = popMark();
                        asMutableList(peek()).addAll(items);
                        break;
                    }
                case 'd':
                    { // DICT
                        List<Object> items = popMark();
                        Map<Object, Object> map = new LinkedHashMap<>();
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            map.put(items.get(i), items.get(i + 1));
                        }
                        push(map);
                        break;
                    }
                case 'l': // LIST
                    push(new ArrayList<>(popMark()));
                    break;
                case 'Q': // BINPERSID
                    push(persistentLoad.apply(pop()));
                    break;
                case '.': // STOP
                    return pop();
                default:
                    throw new IllegalArgumentException(
                            String.format(
                                    "unsupported pickle opcode 0x%02x at offset %d: fastvision reads PyTorch state"
                                            + " dicts only and executes no code",
                                    op, pos));
            }
        }
    }

    private static GlobalRef global(String module, String name) {
        String full = module + "." + name;
        if ("collections.OrderedDict".equals(full)) {
            return new GlobalRef(Global.ORDERED_DICT, name);
        }
        if ("torch._utils._rebuild_tensor_v2".equals(full)) {
            return new GlobalRef(Global.REBUILD_TENSOR_V2, name);
        }
        if ("torch._utils._rebuild_parameter".equals(full)) {
            return new GlobalRef(Global.REBUILD_PARAMETER, name);
        }
        if ("torch".equals(module) && STORAGES.contains(name)) {
            return new GlobalRef(Global.STORAGE, name);
        }
        throw new IllegalArgumentException(
                "refusing pickle global "
                        + full
                        + ": a state dict needs only OrderedDict, tensor rebuilds and"
                        + " storages, and fastvision never executes pickled code");
    }

    private static Object reduce(Object callable, List<?> args) {
        if (!(callable instanceof GlobalRef)) {
            throw new IllegalArgumentException("REDUCE on a non-callable " + callable);
        }
        GlobalRef g = (GlobalRef) callable;
        switch (g.kind()) {
            case ORDERED_DICT:
                return new LinkedHashMap<Object, Object>();
            case REBUILD_TENSOR_V2:
                {
                    if (args.size() < 4 || !(args.get(0) instanceof StorageRef)) {
                        throw new IllegalArgumentException(
                                "malformed _rebuild_tensor_v2 arguments");
                    }
                    return new TensorRef(
                            (StorageRef) args.get(0),
                            toLong(args.get(1)),
                            longs(args.get(2)),
                            longs(args.get(3)));
                }
            case REBUILD_PARAMETER:
                return args.get(0);
            default:
                throw new IllegalArgumentException(
                        "cannot call torch." + g.name() + " from a pickle");
        }
    }

    private static long[] longs(Object o) {
        List<?> l = asList(o, "tensor size/stride");
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toLong(l.get(i));
        }
        return out;
    }

    private static long toLong(Object o) {
        if (o instanceof Number) {
            return ((Number) o).longValue();
        }
        if (o instanceof String) {
            return Long.parseLong((String) o);
        }
        throw new IllegalArgumentException("expected an integer in the pickle but found " + o);
    }

    private static List<?> asList(Object o, String what) {
        if (!(o instanceof List)) {
            throw new IllegalArgumentException("expected a tuple for " + what + " but found " + o);
        }
        return (List<?>) o;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> asMap(Object o) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("SETITEM on a non-dict " + o);
        }
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asMutableList(Object o) {
        if (!(o instanceof ArrayList)) {
            throw new IllegalArgumentException("APPEND on a non-list " + o);
        }
        return (List<Object>) o;
    }

    private String string(int len) {
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private byte[] bytes(int len) {
        byte[] b = new byte[len];
        in.get(b);
        return b;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        byte b;
        while ((b = in.get()) != '\n') {
            sb.append((char) b);
        }
        return sb.toString();
    }

    private Object get(int key) {
        if (!memo.containsKey(key)) {
            throw new IllegalArgumentException("pickle memo key " + key + " is unset: corrupt");
        }
        return memo.get(key);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty()) {
            throw new IllegalArgumentException("pickle stack underflow: corrupt");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty()) {
            throw new IllegalArgumentException("pickle stack underflow: corrupt");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        int i = stack.size() - 1;
        while (i >= 0 && stack.get(i) != MARK) {
            i--;
        }
        if (i < 0) {
            throw new IllegalArgumentException("pickle MARK missing: corrupt");
        }
        List<Object> items = new ArrayList<>(stack.subList(i + 1, stack.size()));
        stack.subList(i, stack.size()).clear();
        return items;
    }
}
