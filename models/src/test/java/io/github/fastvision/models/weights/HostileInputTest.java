package io.github.fastvision.models.weights;

import static io.github.fastvision.models.weights.CraftedFiles.floats;
import static io.github.fastvision.models.weights.CraftedFiles.npy;
import static io.github.fastvision.models.weights.CraftedFiles.pth;
import static io.github.fastvision.models.weights.CraftedFiles.safetensors;
import static io.github.fastvision.models.weights.CraftedFiles.stateDict;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.github.fastvision.models.weights.CraftedFiles.Pickle;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, findings 1–4 and 6: each crafted file (built here, a few hundred bytes to a few hundred
 * KB) is refused in milliseconds with a {@link CheckpointFormatException} naming the file and what
 * was wrong, allocating little.
 */
class HostileInputTest {

    @TempDir Path tmp;

    /** Reads through {@link Checkpoint#read}; the refusal must name the file and {@code what}. */
    private static CheckpointFormatException refused(Path file, String what) {
        return refused(file, what, () -> Checkpoint.read(file));
    }

    private static CheckpointFormatException refused(
            Path file, String what, org.junit.jupiter.api.function.Executable read) {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CheckpointFormatException e =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(5),
                        () -> {
                            long before = mx.getCurrentThreadAllocatedBytes();
                            CheckpointFormatException x =
                                    assertThrows(CheckpointFormatException.class, read);
                            long used = mx.getCurrentThreadAllocatedBytes() - before;
                            long bound = 8 * Files.size(file) + (32L << 20);
                            assertTrue(
                                    used < bound,
                                    file + ": allocated " + used + " bytes, bound " + bound);
                            return x;
                        });
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(what), e.getMessage());
        return e;
    }

    private Path pthOf(String name, byte[] pickle) throws Exception {
        return pth(tmp.resolve(name), pickle, Map.of("0", floats(1, 2, 3, 4)), false);
    }

    // ---- finding 1: hash, toString and stack bombs in the unpickler ----

    @Test
    void tupleNested59DeepAsDictKeyIsRefused() throws Exception {
        Pickle p = new Pickle().op('}').op(')');
        for (int i = 0; i < 59; i++) {
            p.op('q').op(0).op('h').op(0).op(0x86); // (t, t): hashing it doubles per level
        }
        p.integer(1).op('s').stop();
        refused(pthOf("hash_bomb.pth", p.bytes()), "dict key is a tuple of 2 items");
    }

    @Test
    void sharedNestedListsInAnErrorAreDescribedBySizeOnly() throws Exception {
        Pickle p = new Pickle().op(']');
        for (int i = 0; i < 60; i++) {
            // [x, x]: its toString() would be 2^60 elements long
            p.op('q').op(0).op(']').op('h').op(0).op('a').op('h').op(0).op('a');
        }
        p.op(')').op('R').stop();
        refused(pthOf("tostring_bomb.pth", p.bytes()), "REDUCE on a list of 2 items");
    }

    @Test
    void selfReferencingDictKeyIsRefused() throws Exception {
        Pickle p = new Pickle().op('}').op('q').op(0).op('h').op(0).integer(1).op('s').stop();
        refused(pthOf("self_key.pth", p.bytes()), "dict key is a dict of 0 entries");
    }

    @Test
    void selfWrappingStateDictIsRefused() throws Exception {
        Pickle p = new Pickle().op('}').op('q').op(0).str("state_dict").op('h').op(0).op('s');
        refused(pthOf("self_wrap.pth", p.stop().bytes()), "wrapped in more than");
    }

    @Test
    void hundredThousandNestedListsAreRefusedWithoutRecursion() throws Exception {
        Pickle p = new Pickle();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            p.op('(');
        }
        p.op(']');
        for (int i = 0; i < n; i++) {
            p.op('l');
        }
        refused(pthOf("deep_lists.pth", p.stop().bytes()), "nest more than 100 deep");
        Pickle t = new Pickle().op(')');
        for (int i = 0; i < n; i++) {
            t.op(0x85);
        }
        refused(pthOf("deep_tuples.pth", t.stop().bytes()), "nest more than 100 deep");
    }

    @Test
    void deeplyNestedSafetensorsHeaderIsRefused() throws Exception {
        int n = 100_000;
        String deep = "{\"w\":" + "[".repeat(n) + "]".repeat(n) + "}";
        refused(safetensors(tmp.resolve("deep.safetensors"), deep, new byte[0]), "JSON");
        String shape =
                "{\"w\":{\"dtype\":\"F32\",\"shape\":" + "[".repeat(n) + "]".repeat(n) + "}}";
        refused(
                safetensors(tmp.resolve("deep_shape.safetensors"), shape, new byte[0]),
                "shape is a JSON BEGIN_ARRAY, expected NUMBER");
    }

    // ---- finding 2: sizes trusted before any check ----

    @Test
    void hugeStringLengthsAreCheckedAgainstTheBytesLeft() throws Exception {
        for (int len : new int[] {0x7ffffff0, 0x7fffffff, -1}) {
            Pickle p = new Pickle().op('X').int32(len).raw(new byte[16]).stop();
            refused(
                    pthOf("long_string_" + Integer.toHexString(len) + ".pth", p.bytes()),
                    "bytes remain");
        }
    }

    @Test
    void zeroStridesCannotExpandAStorage() throws Exception {
        refused(
                pthOf(
                        "zero_stride.pth",
                        stateDict(4, 0, new long[] {16384, 16384}, new long[] {0, 0})),
                "stride 0 on dimension 0 of size 16384");
        refused(
                pthOf(
                        "zero_stride_4g.pth",
                        stateDict(4, 0, new long[] {1 << 15, 1 << 15}, new long[] {1, 0})),
                "stride 0 on dimension 1");
        refused(
                pthOf(
                        "overlap_view.pth",
                        stateDict(4, 0, new long[] {1000, 1000}, new long[] {0x0, 0x0})),
                "stride 0");
    }

    @Test
    void zipBombStoragesStopAtTheBudget() throws Exception {
        // A 4-element storage whose entry inflates to 64 MiB: read stops after 5 bytes.
        Path small =
                CraftedFiles.zipBomb(
                        tmp.resolve("bomb_small.pth"),
                        "archive/data.pkl",
                        stateDict(4, 0, new long[] {4}, new long[] {1}),
                        "archive/data/0",
                        new byte[0],
                        64L << 20);
        refused(small, "storage 0 should hold 16 bytes but its zip entry declares");
        // A storage declared (and deflated) far beyond what the file may expand to.
        long numel = 16L << 20;
        Path big =
                CraftedFiles.zipBomb(
                        tmp.resolve("bomb_big.pth"),
                        "archive/data.pkl",
                        stateDict(numel, 0, new long[] {numel}, new long[] {1}),
                        "archive/data/0",
                        new byte[0],
                        4 * numel);
        refused(big, "beyond the");
    }

    @Test
    void npyWithAHugeShapeAllocatesNothing() throws Exception {
        Path f = tmp.resolve("huge_shape.npy");
        Files.write(f, npy("<f4", "(100000, 100000)", new byte[64]));
        try (NDManager m = NDManager.newBaseManager()) {
            refused(f, "is truncated: 64 of 40000000000 data bytes", () -> Npy.read(m, f));
        }
        Path g = tmp.resolve("overflow_shape.npy");
        Files.write(g, npy("<f4", "(4611686018427387904, 8)", new byte[0]));
        try (NDManager m = NDManager.newBaseManager()) {
            refused(g, "size overflows", () -> Npy.read(m, g));
        }
    }

    @Test
    void npzBombStopsBeforeInflating() throws Exception {
        long numel = 256L << 20;
        Path f =
                CraftedFiles.zipBomb(
                        tmp.resolve("bomb.npz"),
                        null,
                        null,
                        "w.npy",
                        npy("<f4", "(" + numel + ",)", new byte[0]),
                        32L << 20);
        refused(f, "beyond the");
    }

    // ---- finding 3: invalid layouts accepted silently ----

    @Test
    void stridesAndOffsetsThatWrapAreRefused() throws Exception {
        refused(
                pthOf("stride40.pth", stateDict(4, 0, new long[] {4}, new long[] {1L << 40})),
                "lies outside its storage");
        refused(
                pthOf("stride30.pth", stateDict(4, 0, new long[] {2, 2}, new long[] {1L << 30, 1})),
                "lies outside its storage");
        refused(
                pthOf("offset62.pth", stateDict(4, 1L << 62, new long[] {4}, new long[] {1})),
                "lies outside its storage");
        refused(
                pthOf("offset_neg.pth", stateDict(4, -4, new long[] {4}, new long[] {1})),
                "storage offset -4");
        refused(
                pthOf(
                        "stride_overflow.pth",
                        stateDict(4, 0, new long[] {4}, new long[] {Long.MAX_VALUE})),
                "overflows");
    }

    @Test
    void negativeDimensionsAndNumelOverflowAreRefused() throws Exception {
        refused(
                pthOf("neg_dim.pth", stateDict(4, 0, new long[] {-1, -4}, new long[] {4, 1})),
                "negative size -1");
        refused(
                pthOf(
                        "numel_overflow.pth",
                        stateDict(4, 0, new long[] {1L << 32, 1L << 32}, new long[] {1L << 32, 1})),
                "overflows");
        refused(
                pthOf("neg_storage.pth", stateDict(-4, 0, new long[] {0}, new long[] {1})),
                "declares -4 elements");
        refused(
                pthOf("rank.pth", stateDict(4, 0, new long[] {2, 2}, new long[] {1})),
                "2 sizes but 1 strides");
        refused(
                safetensors(
                        tmp.resolve("neg.safetensors"),
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                        new byte[4]),
                "holds -1; expected 0 or more");
        refused(
                safetensors(
                        tmp.resolve("overflow.safetensors"),
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],"
                                + "\"data_offsets\":[0,4]}}",
                        new byte[4]),
                "overflows");
        Path npz = tmp.resolve("neg.npz");
        try (var os = Files.newOutputStream(npz);
                var zip = new java.util.zip.ZipOutputStream(os)) {
            CraftedFiles.entry(zip, "w.npy", npy("<f4", "(-1, 4)", new byte[0]), false);
        }
        refused(npz, "negative .npy dimension");
    }

    private Path st(String name, String header, int dataBytes) throws Exception {
        return safetensors(tmp.resolve(name), header, new byte[dataBytes]);
    }

    private static String tensor(String name, String shape, String offsets) {
        return "\""
                + name
                + "\":{\"dtype\":\"F32\",\"shape\":"
                + shape
                + ",\"data_offsets\":"
                + offsets
                + "}";
    }

    @Test
    void safetensorsHeaderIsHeldToTheFormat() throws Exception {
        refused(
                st("neg_offsets.safetensors", "{" + tensor("w", "[1]", "[-8,-4]") + "}", 4),
                "holds -8");
        refused(
                st(
                        "overlap.safetensors",
                        "{" + tensor("a", "[2]", "[0,8]") + "," + tensor("b", "[1]", "[4,8]") + "}",
                        8),
                "(overlap)");
        refused(
                st(
                        "hole.safetensors",
                        "{"
                                + tensor("a", "[1]", "[0,4]")
                                + ","
                                + tensor("b", "[1]", "[8,12]")
                                + "}",
                        12),
                "(hole)");
        refused(
                st("tail.safetensors", "{" + tensor("w", "[1]", "[0,4]") + "}", 8),
                "cover 4 of the 8 data bytes");
        refused(
                st("span.safetensors", "{" + tensor("w", "[2]", "[0,4]") + "}", 4),
                "needs 8 bytes but its data_offsets span 4");
        refused(
                st("beyond.safetensors", "{" + tensor("w", "[2]", "[0,8]") + "}", 4),
                "is truncated");
        refused(
                st(
                        "dup.safetensors",
                        "{" + tensor("w", "[1]", "[0,4]") + "," + tensor("w", "[1]", "[0,4]") + "}",
                        4),
                "key w twice");
        refused(
                st("float_dim.safetensors", "{" + tensor("w", "[1.0]", "[0,4]") + "}", 4),
                "holds 1.0; expected an integer");
        refused(
                st("exp_dim.safetensors", "{" + tensor("w", "[1e0]", "[0,4]") + "}", 4),
                "expected an integer");
        refused(
                st("string_dim.safetensors", "{" + tensor("w", "[\"1\"]", "[0,4]") + "}", 4),
                "expected NUMBER");
        refused(
                st("lenient.safetensors", "{'w':{dtype:F32,shape:[1],data_offsets:[0,4]}}", 4),
                "malformed safetensors header");
        refused(
                st("comment.safetensors", "{/* c */" + tensor("w", "[1]", "[0,4]") + "}", 4),
                "malformed safetensors header");
        refused(
                st("trailing.safetensors", "{" + tensor("w", "[1]", "[0,4]") + "} {}", 4),
                "malformed safetensors header");
    }

    // ---- finding 4: raw runtime exceptions instead of a clear error ----

    @Test
    void brokenFieldsGiveTheOneErrorType() throws Exception {
        byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
        refused(
                safetensors(tmp.resolve("len_overflow.safetensors"), -1L, h, new byte[0]),
                "header of 18446744073709551615 bytes");
        refused(
                safetensors(tmp.resolve("len_big.safetensors"), Long.MAX_VALUE - 4, h, new byte[0]),
                "is truncated or not safetensors");
        refused(
                st("no_offsets.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4),
                "lacks dtype, shape or data_offsets");
        refused(
                st("empty_offsets.safetensors", "{" + tensor("w", "[1]", "[]") + "}", 4),
                "expected [begin, end]");
        refused(
                st(
                        "number_dtype.safetensors",
                        "{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}",
                        4),
                "dtype is a JSON NUMBER, expected STRING");
        refused(st("array_tensor.safetensors", "{\"w\":[1,2]}", 4), "expected BEGIN_OBJECT");
        refused(
                st(
                        "bad_dtype.safetensors",
                        "{\"w\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                        4),
                "unsupported dtype Q7");
        refused(
                pthOf(
                        "stack_global.pth",
                        new Pickle().integer(1).integer(2).op(0x93).stop().bytes()),
                "expected a string for STACK_GLOBAL");
        refused(
                pthOf(
                        "param.pth",
                        new Pickle()
                                .global("torch._utils", "_rebuild_parameter")
                                .op(')')
                                .op('R')
                                .stop()
                                .bytes()),
                "malformed _rebuild_parameter arguments: a tuple of 0 items");
        refused(pthOf("underflow.pth", new Pickle().op('s').stop().bytes()), "stack underflow");
        refused(pthOf("no_stop.pth", new Pickle().op('}').bytes()), "without STOP");
        refused(pthOf("memo.pth", new Pickle().op('h').op(7).stop().bytes()), "memo key 7");
        refused(
                pthOf(
                        "odd_setitems.pth",
                        new Pickle().op('}').mark().str("w").op('u').stop().bytes()),
                "SETITEMS with 1 items");
        refused(pthOf("not_dict.pth", new Pickle().integer(3).stop().bytes()), "but an integer");
        refused(
                pthOf(
                        "no_tensors.pth",
                        new Pickle().op('}').str("a").integer(1).op('s').stop().bytes()),
                "holds no tensors (keys: [a])");
        refused(
                pth(
                        tmp.resolve("missing_storage.pth"),
                        stateDict(4, 0, new long[] {4}, new long[] {1}),
                        Map.of(),
                        false),
                "storage 0 of w is missing");
        refused(
                pth(
                        tmp.resolve("short_storage.pth"),
                        stateDict(4, 0, new long[] {4}, new long[] {1}),
                        Map.of("0", new byte[15]),
                        false),
                "should hold 16 bytes but its zip entry declares 15");
        byte[] bad =
                new Pickle()
                        .op('}')
                        .mark()
                        .str("w")
                        .global("torch._utils", "_rebuild_tensor_v2")
                        .mark()
                        .mark()
                        .str("storage")
                        .global("torch", "FloatStorage")
                        .op(']')
                        .str("cpu")
                        .integer(4)
                        .tuple()
                        .op('Q')
                        .stop()
                        .bytes();
        refused(pthOf("list_key.pth", bad), "storage key is a list of 0 items");
    }

    @Test
    void codeExecutionIsStillRefused() throws Exception {
        refused(
                pthOf(
                        "system.pth",
                        new Pickle()
                                .global("os", "system")
                                .str("echo pwned")
                                .op(0x85)
                                .op('R')
                                .stop()
                                .bytes()),
                "refusing pickle global os.system");
        refused(
                pthOf("eval.pth", new Pickle().global("builtins", "eval").stop().bytes()),
                "refusing pickle global builtins.eval");
        refused(
                pthOf(
                        "stack_global_exec.pth",
                        new Pickle().str("builtins").str("exec").op(0x93).stop().bytes()),
                "refusing pickle global builtins.exec");
        for (int op : new int[] {'i', 'o', 0x82, 'P', 0x81, 0x92}) {
            refused(
                    pthOf("op_" + op + ".pth", new Pickle().mark().op(op).stop().bytes()),
                    "unsupported pickle opcode");
        }
    }

    // ---- finding 6: big-endian and trailing bytes in .npy ----

    @Test
    void bigEndianNpyIsRefusedNotReadAsLittleEndian() throws Exception {
        Path f = tmp.resolve("big.npy");
        Files.write(f, npy(">f4", "(2,)", new byte[] {0x3f, (byte) 0x80, 0, 0, 0x40, 0, 0, 0}));
        try (NDManager m = NDManager.newBaseManager()) {
            refused(f, "unsupported NumPy dtype >f4", () -> Npy.read(m, f));
        }
    }

    @Test
    void trailingBytesAfterTheDataAreRefused() throws Exception {
        Path f = tmp.resolve("trailing.npy");
        Files.write(f, npy("<f4", "(2,)", floats(1, 2, 3)));
        try (NDManager m = NDManager.newBaseManager()) {
            refused(f, "bytes after the data", () -> Npy.read(m, f));
            Path ok = tmp.resolve("ok.npy");
            Files.write(ok, npy("<f4", "(2,)", floats(1, 2)));
            assertArrayEquals(new float[] {1, 2}, Npy.read(m, ok).toFloatArray());
        }
        Path npz = tmp.resolve("trailing.npz");
        try (var os = Files.newOutputStream(npz);
                var zip = new java.util.zip.ZipOutputStream(os)) {
            CraftedFiles.entry(zip, "w.npy", npy("<f4", "(2,)", floats(1, 2, 3)), true);
        }
        refused(npz, "bytes after the data");
    }

    @Test
    void aValidCraftedCheckpointStillReads() throws Exception {
        // The transpose of a 2x2 storage: a strided view torch itself writes.
        Path f = pthOf("transpose.pth", stateDict(4, 0, new long[] {2, 2}, new long[] {1, 2}));
        assertArrayEquals(
                new float[] {1, 3, 2, 4}, Checkpoint.read(f).tensors().get("w").toFloats());
        Path s =
                st(
                        "ok.safetensors",
                        "{\"__metadata__\":{\"format\":\"pt\"},"
                                + tensor("w", "[1]", "[0,4]")
                                + "}  ",
                        4);
        assertArrayEquals(new long[] {1}, Checkpoint.read(s).tensors().get("w").shape());
    }
}
