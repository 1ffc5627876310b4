package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.models.weights.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken command lines (issue 19): every bad option is refused up front with exit code
 * 2 and a message naming the option, its allowed values and the given one; outputs get the usual
 * permissions; nothing temporary is left behind; I/O errors name the file and the reason.
 */
class HostileCliTest {

    private static final Path FIXTURES =
            Path.of("..", "models", "src", "test", "resources", "import");

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String perms(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static void assertRefused(CliRun r, String... parts) {
        assertEquals(2, r.code(), r.err());
        for (String part : parts) {
            assertTrue(r.err().contains(part), "'" + part + "' in: " + r.err());
        }
    }

    @Test
    void anytimeRefusesANonPositiveTimeAndBatchBeforeSavingAnything(@TempDir Path tmp)
            throws IOException {
        Path ckpt = tmp.resolve("ckpt");
        assertRefused(
                CliRun.of(
                        "anytime",
                        "--train-minutes",
                        "-1",
                        "--checkpoint",
                        ckpt.toString(),
                        "--quiet"),
                "--train-minutes",
                "positive",
                "-1.0");
        assertRefused(
                CliRun.of("anytime", "--batch", "0", "--checkpoint", ckpt.toString(), "--quiet"),
                "--batch must be >= 2",
                "but was 0");
        assertTrue(!Files.exists(ckpt) || names(ckpt).isEmpty(), "nothing saved");
    }

    @Test
    void benchRefusesAWeightsArgumentThatIsNotAWeightsFileBeforeJmhStarts(@TempDir Path tmp)
            throws Exception {
        CliRun missing =
                CliRun.of(
                        "bench",
                        "models",
                        "--weights",
                        tmp.resolve("none.fvw").toString(),
                        "--out",
                        tmp.resolve("b").toString());
        assertRefused(missing, "--weights", "none.fvw", "is not a file", ".fvw weights file");
        Path junk = Files.writeString(tmp.resolve("junk.fvw"), "not a weights file");
        CliRun bad =
                CliRun.of(
                        "bench",
                        "models",
                        "--weights",
                        junk.toString(),
                        "--out",
                        tmp.resolve("b").toString());
        assertRefused(bad, "junk.fvw");
        assertTrue(!Files.exists(tmp.resolve("b")), "JMH did not start");
    }

    @Test
    void benchNamesCloseMatchesOfAnUnknownModelBeforeJmhStarts(@TempDir Path tmp) {
        CliRun r =
                CliRun.of(
                        "bench",
                        "models",
                        "--models",
                        "fasternet_t9",
                        "--out",
                        tmp.resolve("b").toString());
        assertRefused(
                r, "--models", "unknown model 'fasternet_t9'", "close matches", "fasternet_t0");
        assertTrue(!r.err().contains("JMH"), r.err());
        assertTrue(!Files.exists(tmp.resolve("b")), "JMH did not start");
    }

    @Test
    void benchRefusesAnUnknownPrecisionBeforeJmhStarts(@TempDir Path tmp) {
        CliRun r =
                CliRun.of(
                        "bench",
                        "models",
                        "--precision",
                        "fp32,fp16",
                        "--out",
                        tmp.resolve("b").toString());
        assertRefused(r, "--precision", "fp32, int8 or fp32,int8", "'fp16'");
        assertTrue(!Files.exists(tmp.resolve("b")), "JMH did not start");
    }

    @Test
    void trainRefusesChannelsOtherThanOneOrThree(@TempDir Path tmp) {
        assertRefused(
                CliRun.of(
                        "train",
                        "--model",
                        "test_fasternet",
                        "--dataset",
                        "fashion-mnist-subset",
                        "--channels",
                        "2",
                        "--out",
                        tmp.resolve("run").toString()),
                "--channels must be 1 or 3",
                "but was 2");
        assertTrue(!Files.exists(tmp.resolve("run")));
    }

    @Test
    void trainFailsBeforeTrainingWhenItsOutputIsUnwritable(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        CliRun r =
                CliRun.of(
                        "train",
                        "--model",
                        "test_fasternet",
                        "--dataset",
                        "fashion-mnist-subset",
                        "--epochs",
                        "1",
                        "--out",
                        file.resolve("run").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(
                r.err().contains("cannot write to " + file.resolve("run").toAbsolutePath()),
                r.err());
        assertTrue(r.err().contains("Not a directory"), r.err());
        assertTrue(!r.err().contains("epoch 1"), "no epoch trained: " + r.err());
    }

    @Test
    void runRefusesItsInputAsOutputAndTooSmallImages(@TempDir Path tmp) throws IOException {
        Path in = tmp.resolve("in.npy");
        Path tiny = tmp.resolve("tiny.npy");
        try (NDManager m = NDManager.newBaseManager()) {
            Npy.write(in, m.ones(new Shape(1, 3, 32, 32)));
            Npy.write(tiny, m.ones(new Shape(1, 3, 1, 1)));
        }
        byte[] before = Files.readAllBytes(in);
        assertRefused(
                CliRun.of(
                        "run",
                        "--model",
                        "test_fasternet",
                        "--input",
                        in.toString(),
                        "--output",
                        tmp.resolve(".").resolve("in.npy").toString()),
                "--output must differ from --input");
        assertArrayEquals(before, Files.readAllBytes(in));
        assertRefused(
                CliRun.of(
                        "run",
                        "--model",
                        "test_fasternet",
                        "--input",
                        tiny.toString(),
                        "--output",
                        tmp.resolve("o.npy").toString()),
                "1x1 images",
                "test_fasternet needs at least 32x32");
        assertEquals(List.of("in.npy", "tiny.npy"), names(tmp));
    }

    @Test
    void runWritesUsualPermissionsAndLeavesNothingForADirectoryOutput(@TempDir Path tmp)
            throws IOException {
        Path in = tmp.resolve("in.npy");
        try (NDManager m = NDManager.newBaseManager()) {
            Npy.write(in, m.ones(new Shape(1, 3, 32, 32)));
        }
        Path out = tmp.resolve("o.npy");
        CliRun ok =
                CliRun.of(
                        "run",
                        "--model",
                        "test_fasternet",
                        "--classes",
                        "4",
                        "--input",
                        in.toString(),
                        "--output",
                        out.toString(),
                        "--json");
        assertEquals(0, ok.code(), ok.err());
        assertEquals("rw-r--r--", perms(out));
        Path dir = Files.createDirectory(tmp.resolve("existing"));
        CliRun r =
                CliRun.of(
                        "run",
                        "--model",
                        "test_fasternet",
                        "--classes",
                        "4",
                        "--input",
                        in.toString(),
                        "--output",
                        dir.toString(),
                        "--json");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("is a directory"), r.err());
        assertEquals(List.of("existing", "in.npy", "o.npy"), names(tmp));
        assertEquals(List.of(), names(dir));
    }

    @Test
    void importWritesUsualPermissionsAndRemovesAKilledImportsTemporary(@TempDir Path tmp)
            throws IOException {
        Path out = Files.createDirectory(tmp.resolve("out"));
        Path stale = Files.writeString(out.resolve(".test_rexnet.fvw.5551234.tmp.fvw"), "partial");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Path mine = Files.writeString(out.resolve("notes.tmp"), "keep");
        Files.setLastModifiedTime(mine, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        CliRun r =
                CliRun.of(
                        "import",
                        "--model",
                        "test_rexnet",
                        "--weights",
                        FIXTURES.resolve("rexnet_official.pth").toString(),
                        "--out",
                        out.toString(),
                        "--input-size",
                        "32",
                        "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("import.json", "notes.tmp", "test_rexnet.fvw"), names(out));
        assertEquals("rw-r--r--", perms(out.resolve("test_rexnet.fvw")));
        assertEquals("rw-r--r--", perms(out.resolve("import.json")));
    }
}
