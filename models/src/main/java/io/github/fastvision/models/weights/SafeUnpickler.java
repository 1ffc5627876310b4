package io.github.fastvision.models.weights;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A pickle reader for PyTorch state dicts that never executes code. It knows the opcodes that
 * {@code torch.save} emits (protocols 2–5) and exactly the globals a state dict needs: {@code
 * collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code
 * torch._utils._rebuild_parameter} and the typed storage classes. Any other global or opcode is
 * refused with an error naming it, before anything is built from it.
 *
 * <p>It is also bounded against crafted files: every declared length is checked against the bytes
 * left before allocating, dict keys are strings or integers only (so hashing a key never walks a
 * nested structure), containers nest at most {@value #MAX_DEPTH} deep, and errors describe objects
 * by type and size only, never through {@code toString()} of what was unpickled. Every refusal is a
 * {@link CheckpointFormatException}. The stack and memo cannot outgrow the file: each entry costs
 * at least one opcode byte.
 */
final class SafeUnpickler {

    /** Deepest container nesting accepted; a state dict needs about four levels. */
    static final int MAX_DEPTH = 100;

    /** Longest GLOBAL module or name line; real ones are a few dozen characters. */
    private static final int MAX_LINE = 256;

    /** Storage keys are archive entry names torch writes as small integers. */
    private static final Pattern STORAGE_KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

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

    private final String what;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();

    /** Stack sizes at each MARK (pickle's metastack). */
    private final List<Integer> marks = new ArrayList<>();

    private final Map<Integer, Object> memo = new HashMap<>();

    /** Nesting depth of each container built, by identity (never by hashCode of its contents). */
    private final Map<Object, Integer> depths = new IdentityHashMap<>();

    private final Function<Object, Object> persistentLoad = this::storage;

    private SafeUnpickler(byte[] data, String what) {
        this.what = what;
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Unpickles a state dict.
     *
     * @param data the pickle bytes
     * @param what the file (or archive entry) for error messages
     * @return the top-level object (maps, lists, tuples as unmodifiable lists, strings, numbers,
     *     TensorRefs)
     * @throws CheckpointFormatException if the pickle is truncated, malformed, nests too deep or
     *     needs anything but a state dict's opcodes and globals
     */
    static Object load(byte[] data, String what) {
        SafeUnpickler p = new SafeUnpickler(data, what);
        try {
            return p.run();
        } catch (BufferUnderflowException e) {
            throw new CheckpointFormatException(
                    what + " has a truncated pickle: an opcode's argument runs past its end", e);
        }
    }

    private CheckpointFormatException error(String detail) {
        return new CheckpointFormatException(what + ": " + detail);
    }

    private Object storage(Object pid) {
        List<?> t = asTuple(pid, "persistent id");
        if (t.size() != 5
                || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof GlobalRef)
                || ((GlobalRef) t.get(1)).kind() != Global.STORAGE) {
            throw error(
                    "unsupported persistent id "
                            + describe(pid)
                            + " (expected a tuple ('storage', a torch storage class, key,"
                            + " location, numel))");
        }
        GlobalRef type = (GlobalRef) t.get(1);
        if (!(t.get(2) instanceof String) || !STORAGE_KEY.matcher((String) t.get(2)).matches()) {
            throw error(
                    "storage key is "
                            + describe(t.get(2))
                            + "; expected a short name of letters, digits and _");
        }
        long numel = toLong(t.get(4), "storage size");
        if (numel < 0) {
            throw error("storage " + t.get(2) + " declares " + numel + " elements");
        }
        return new StorageRef(DType.fromTorchStorage(type.name()), (String) t.get(2), numel);
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) {
                throw error("pickle ended without STOP: truncated");
            }
            int pos = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80: // PROTO
                    in.get();
                    break;
                case 0x95: // FRAME: a length hint only
                    in.getLong();
                    break;
                case '}': // EMPTY_DICT
                    push(container(new LinkedHashMap<Object, Object>()));
                    break;
                case ']': // EMPTY_LIST
                    push(container(new ArrayList<Object>()));
                    break;
                case ')': // EMPTY_TUPLE
                    push(tuple());
                    break;
                case '(': // MARK
                    marks.add(stack.size());
                    break;
                case 'X': // BINUNICODE
                    push(string(in.getInt() & 0xffffffffL));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    push(string(in.get() & 0xff));
                    break;
                case 0x8d: // BINUNICODE8
                    push(string(in.getLong()));
                    break;
                case 'U': // SHORT_BINSTRING
                    push(string(in.get() & 0xff));
                    break;
                case 'T': // BINSTRING
                    push(string(in.getInt() & 0xffffffffL));
                    break;
                case 'C': // SHORT_BINBYTES
                    push(bytes(in.get() & 0xff));
                    break;
                case 'B': // BINBYTES
                    push(bytes(in.getInt() & 0xffffffffL));
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
                    {
                        String module = line();
                        push(global(module, line()));
                        break;
                    }
                case 0x93:
                    { // STACK_GLOBAL
                        String name = popString("STACK_GLOBAL name");
                        String module = popString("STACK_GLOBAL module");
                        push(global(module, name));
                        break;
                    }
                case 't': // TUPLE
                    push(tuple(popMark().toArray()));
                    break;
                case 0x85: // TUPLE1
                    push(tuple(pop()));
                    break;
                case 0x86:
                    { // TUPLE2
                        Object b = pop();
                        Object a = pop();
                        push(tuple(a, b));
                        break;
                    }
                case 0x87:
                    { // TUPLE3
                        Object c = pop();
                        Object b = pop();
                        Object a = pop();
                        push(tuple(a, b, c));
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
                        if (n > 8) {
                            throw error(
                                    "LONG1 of "
                                            + n
                                            + " bytes at offset "
                                            + pos
                                            + "; a state dict's integers fit in 8");
                        }
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
                        List<?> args = asTuple(pop(), "REDUCE arguments");
                        push(reduce(pop(), args));
                        break;
                    }
                case 'b': // BUILD: state (module metadata) is not needed for tensors
                    pop();
                    peek();
                    break;
                case 's':
                    { // SETITEM
                        Object v = pop();
                        Object k = pop();
                        put(asMap(peek()), k, v);
                        break;
                    }
                case 'u':
                    { // SETITEMS
                        List<Object> items = popMark();
                        Map<Object, Object> map = asMap(peek());
                        pairs(items, "SETITEMS");
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            put(map, items.get(i), items.get(i + 1));
                        }
                        break;
                    }
                case 'a':
                    { // APPEND
                        Object v = pop();
                        List<Object> list = asMutableList(peek());
                        nest(list, v);
                        list.add(v);
                        break;
                    }
                case 'e':
                    { // APPENDS
                        List<Object> items = popMark();
                        List<Object> list = asMutableList(peek());
                        for (Object item : items) {
                            nest(list, item);
                        }
                        list.addAll(items);
                        break;
                    }
                case 'd':
                    { // DICT
                        List<Object> items = popMark();
                        pairs(items, "DICT");
                        Map<Object, Object> map = container(new LinkedHashMap<>());
                        for (int i = 0; i + 1 < items.size(); i += 2) {
                            put(map, items.get(i), items.get(i + 1));
                        }
                        push(map);
                        break;
                    }
                case 'l':
                    { // LIST
                        List<Object> items = popMark();
                        List<Object> list = container(new ArrayList<>());
                        for (Object item : items) {
                            nest(list, item);
                        }
                        list.addAll(items);
                        push(list);
                        break;
                    }
                case 'Q': // BINPERSID
                    push(persistentLoad.apply(pop()));
                    break;
                case '.': // STOP
                    return pop();
                default:
                    throw error(
                            String.format(
                                    "unsupported pickle opcode 0x%02x at offset %d: fastvision"
                                            + " reads PyTorch state dicts only and executes no"
                                            + " code",
                                    op, pos));
            }
        }
    }

    private GlobalRef global(String module, String name) {
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
        throw error(
                "refusing pickle global "
                        + full
                        + ": a state dict needs only OrderedDict, tensor rebuilds and"
                        + " storages, and fastvision never executes pickled code");
    }

    private Object reduce(Object callable, List<?> args) {
        if (!(callable instanceof GlobalRef)) {
            throw error("REDUCE on " + describe(callable) + ", which is not a callable global");
        }
        GlobalRef g = (GlobalRef) callable;
        switch (g.kind()) {
            case ORDERED_DICT:
                if (!args.isEmpty()) {
                    throw error("OrderedDict with " + args.size() + " arguments; expected none");
                }
                return container(new LinkedHashMap<Object, Object>());
            case REBUILD_TENSOR_V2:
                {
                    if (args.size() < 4 || !(args.get(0) instanceof StorageRef)) {
                        throw error(
                                "malformed _rebuild_tensor_v2 arguments: "
                                        + describe(args)
                                        + ", expected (storage, offset, size, stride, …)");
                    }
                    return new TensorRef(
                            (StorageRef) args.get(0),
                            toLong(args.get(1), "tensor offset"),
                            longs(args.get(2), "tensor size"),
                            longs(args.get(3), "tensor stride"));
                }
            case REBUILD_PARAMETER:
                if (args.isEmpty() || !(args.get(0) instanceof TensorRef)) {
                    throw error(
                            "malformed _rebuild_parameter arguments: "
                                    + describe(args)
                                    + ", expected (tensor, requires_grad, …)");
                }
                return args.get(0);
            default:
                throw error("cannot call torch." + g.name() + " from a pickle");
        }
    }

    private long[] longs(Object o, String what) {
        List<?> l = asTuple(o, what);
        if (l.size() > 64) {
            throw error(what + " has " + l.size() + " dimensions; torch tensors have at most 64");
        }
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toLong(l.get(i), what);
        }
        return out;
    }

    private long toLong(Object o, String what) {
        if (o instanceof Long) {
            return (Long) o;
        }
        throw error("expected an integer for " + what + " but found " + describe(o));
    }

    private List<?> asTuple(Object o, String what) {
        if (!(o instanceof List)) {
            throw error("expected a tuple for " + what + " but found " + describe(o));
        }
        return (List<?>) o;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o) {
        if (!(o instanceof Map)) {
            throw error("SETITEM on " + describe(o) + ", not a dict");
        }
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private List<Object> asMutableList(Object o) {
        if (!(o instanceof ArrayList)) {
            throw error("APPEND on " + describe(o) + ", not a list");
        }
        return (List<Object>) o;
    }

    /** Adds a dict entry; keys are restricted so that hashing one never recurses. */
    private void put(Map<Object, Object> map, Object key, Object value) {
        if (!(key instanceof String) && !(key instanceof Long)) {
            throw error(
                    "dict key is "
                            + describe(key)
                            + "; a state dict's keys are strings or integers");
        }
        nest(map, value);
        map.put(key, value);
    }

    private void pairs(List<Object> items, String op) {
        if (items.size() % 2 != 0) {
            throw error(op + " with " + items.size() + " items; expected key-value pairs");
        }
    }

    private <T> T container(T c) {
        depths.put(c, 1);
        return c;
    }

    private List<Object> tuple(Object... items) {
        List<Object> t = Collections.unmodifiableList(Arrays.asList(items));
        depths.put(t, 1);
        for (Object item : items) {
            nest(t, item);
        }
        return t;
    }

    /** Records that {@code child} now lies inside {@code parent}, refusing too deep a nesting. */
    private void nest(Object parent, Object child) {
        Integer inner = child == null ? null : depths.get(child);
        if (inner == null) {
            return;
        }
        int d = inner + 1;
        if (d > MAX_DEPTH) {
            throw error(
                    "containers nest more than "
                            + MAX_DEPTH
                            + " deep; a state dict needs a few levels");
        }
        depths.merge(parent, d, Math::max);
    }

    private String string(long len) {
        return new String(bytes(len), StandardCharsets.UTF_8);
    }

    private byte[] bytes(long len) {
        if (len < 0 || len > in.remaining()) {
            throw error(
                    "a string of "
                            + len
                            + " bytes is declared at offset "
                            + in.position()
                            + " but only "
                            + in.remaining()
                            + " bytes remain: truncated or corrupt");
        }
        byte[] b = new byte[(int) len];
        in.get(b);
        return b;
    }

    private String line() {
        StringBuilder sb = new StringBuilder();
        byte b;
        while ((b = in.get()) != '\n') {
            if (sb.length() >= MAX_LINE) {
                throw error("a GLOBAL name longer than " + MAX_LINE + " characters");
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    private Object get(int key) {
        if (!memo.containsKey(key)) {
            throw error("pickle memo key " + key + " is unset: corrupt");
        }
        return memo.get(key);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private int floor() {
        return marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
    }

    private Object pop() {
        if (stack.size() <= floor()) {
            throw error("pickle stack underflow: corrupt");
        }
        return stack.remove(stack.size() - 1);
    }

    private String popString(String what) {
        Object o = pop();
        if (!(o instanceof String)) {
            throw error("expected a string for " + what + " but found " + describe(o));
        }
        return (String) o;
    }

    private Object peek() {
        if (stack.size() <= floor()) {
            throw error("pickle stack underflow: corrupt");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw error("pickle MARK missing: corrupt");
        }
        int i = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(i, stack.size()));
        stack.subList(i, stack.size()).clear();
        return items;
    }

    /**
     * Names an unpickled object by type and size only: its contents may be huge, shared or cyclic.
     */
    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof String) {
            return "a string of " + ((String) o).length() + " characters";
        }
        if (o instanceof Long) {
            return "an integer";
        }
        if (o instanceof Double) {
            return "a float";
        }
        if (o instanceof Boolean) {
            return "a bool";
        }
        if (o instanceof byte[]) {
            return "bytes of length " + ((byte[]) o).length;
        }
        if (o instanceof Map) {
            return "a dict of " + ((Map<?, ?>) o).size() + " entries";
        }
        if (o instanceof ArrayList) {
            return "a list of " + ((List<?>) o).size() + " items";
        }
        if (o instanceof List) {
            return "a tuple of " + ((List<?>) o).size() + " items";
        }
        if (o instanceof GlobalRef) {
            return "the global " + ((GlobalRef) o).name();
        }
        if (o instanceof StorageRef) {
            return "a storage";
        }
        if (o instanceof TensorRef) {
            return "a tensor";
        }
        return "an object of type " + o.getClass().getSimpleName();
    }
}
