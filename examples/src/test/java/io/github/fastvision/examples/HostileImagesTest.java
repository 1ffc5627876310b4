package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict}, {@code embed} and {@code export} on what real directories and command lines
 * hold: entries that are not usable images are skipped one by one naming the file and the reason,
 * numeric options outside their range are refused naming the option, the range and the value.
 */
class HostileImagesTest {

    private static final String MODEL = "test_fasternet";

    private static void assertRefused(CliRun r, String... parts) {
        assertEquals(2, r.code(), r.err());
        for (String part : parts) {
            assertTrue(r.err().contains(part), "'" + part + "' in: " + r.err());
        }
    }

    private static Path gray(Path file, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        assertTrue(ImageIO.write(image, "png", file.toFile()));
        return file;
    }

    private static String[] predict(String... more) {
        List<String> args = new ArrayList<>(List.of("predict", "--model", MODEL));
        args.addAll(List.of(more));
        if (!args.contains("--image-size")) {
            args.addAll(List.of("--image-size", "32"));
        }
        return args.toArray(String[]::new);
    }

    private static boolean mkfifo(Path path) throws IOException, InterruptedException {
        try {
            return new ProcessBuilder("mkfifo", path.toString()).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void everyUnusableDirectoryEntryIsSkippedNamingItsReason(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("photos"));
        gray(dir.resolve("a.png"), 32, 32);
        // Decodes (600,000 pixels) but no resize can keep its aspect ratio: preprocessing fails.
        Path thin = gray(dir.resolve("thin.png"), 600_000, 1);
        Files.createSymbolicLink(dir.resolve("gone.png"), tmp.resolve("deleted.png"));
        boolean fifo = mkfifo(dir.resolve("pipe.png"));
        Path sub = Files.createDirectory(dir.resolve("sub"));
        gray(sub.resolve("b.png"), 40, 30);
        Files.createSymbolicLink(sub.resolve("loop"), dir);
        Path locked = gray(dir.resolve("locked.png"), 32, 32);
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        // Root reads a mode-000 file anyway; then it is simply an image.
        boolean unreadable = !Files.isReadable(locked);
        // A regular file whose first read fails (EIO) even for root.
        Path ioError = Path.of("/proc/self/mem");
        boolean eio = Files.isRegularFile(ioError);
        if (eio) {
            Files.createSymbolicLink(dir.resolve("mem.png"), ioError);
        }

        CliRun r = CliRun.of(predict(dir.toString(), "--json"));
        assertEquals(0, r.code(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        List<String> predicted = new ArrayList<>();
        for (var p : doc.getAsJsonArray("predictions")) {
            predicted.add(p.getAsJsonObject().get("file").getAsString());
        }
        List<String> expected = new ArrayList<>(List.of(dir.resolve("a.png").toString()));
        if (!unreadable) {
            expected.add(locked.toString());
        }
        expected.add(sub.resolve("b.png").toString());
        assertEquals(expected, predicted);
        JsonArray skipped = doc.getAsJsonArray("skipped");
        List<String> reasons = new ArrayList<>();
        for (var s : skipped) {
            JsonObject o = s.getAsJsonObject();
            reasons.add(o.get("file").getAsString() + ": " + o.get("reason").getAsString());
        }
        String all = String.join("\n", reasons);
        assertTrue(all.contains(dir.resolve("gone.png") + ": is a dangling symbolic link"), all);
        assertTrue(all.contains(sub.resolve("loop") + ": is a symbolic link loop"), all);
        assertTrue(all.contains(thin + ": cannot be preprocessed"), all);
        assertTrue(all.contains("aspect ratio is too extreme"), all);
        if (fifo) {
            assertTrue(all.contains(dir.resolve("pipe.png") + ": not a regular file"), all);
        }
        if (unreadable) {
            assertTrue(all.contains(locked + ": cannot be read"), all);
        }
        if (eio) {
            assertTrue(all.contains(dir.resolve("mem.png") + ": cannot be read: "), all);
        }
        assertEquals(
                3 + (fifo ? 1 : 0) + (unreadable ? 1 : 0) + (eio ? 1 : 0), skipped.size(), all);
        assertTrue(r.err().contains("skipped " + skipped.size() + " file(s)"), r.err());

        // --strict fails on the first unusable entry in file order, naming it.
        CliRun strict = CliRun.of(predict(dir.toString(), "--strict"));
        assertRefused(strict, dir.resolve("gone.png") + ": is a dangling symbolic link");
        assertEquals("", strict.out());

        // A file named on the command line fails the run, naming it.
        assertRefused(CliRun.of(predict(thin.toString())), thin + ": cannot be preprocessed");
        assertRefused(
                CliRun.of(predict(dir.resolve("gone.png").toString())),
                dir.resolve("gone.png") + " is a dangling symbolic link");
        if (fifo) {
            assertRefused(
                    CliRun.of(predict(dir.resolve("pipe.png").toString())),
                    dir.resolve("pipe.png") + " is not a regular file");
        }

        // embed isolates the same entries.
        CliRun e =
                CliRun.of(
                        "embed",
                        "--model",
                        MODEL,
                        "--image-size",
                        "32",
                        dir.toString(),
                        "--out",
                        tmp.resolve("emb").toString(),
                        "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(
                expected.size(),
                JsonParser.parseString(e.out()).getAsJsonObject().get("rows").getAsInt());
    }

    @Test
    void numericOptionsOutsideTheirRangeAreRefusedNamingRangeAndValue(@TempDir Path tmp)
            throws IOException {
        String img = gray(tmp.resolve("a.png"), 32, 32).toString();
        assertRefused(
                CliRun.of(predict(img, "--image-size", "4")),
                "--image-size must be in 8..4096 but was 4");
        assertRefused(
                CliRun.of(predict(img, "--image-size", "100000")),
                "--image-size must be in 8..4096 but was 100000");
        assertRefused(
                CliRun.of(predict(img, "--batch", "0")), "--batch must be in 1..1024 but was 0");
        assertRefused(
                CliRun.of(predict(img, "--batch", "2147483647")),
                "--batch must be in 1..1024 but was 2147483647");
        assertRefused(
                CliRun.of(predict(img, "--threads", "-1")),
                "--threads must be in 0..256 but was -1");
        assertRefused(
                CliRun.of(predict(img, "--threads", "100000")), "--threads must be in 0..256");
        assertRefused(
                CliRun.of(predict(img, "--top", "0")), "--top must be in 1..100000 but was 0");
        assertRefused(CliRun.of(predict(img, "--top", "1000001")), "--top must be in 1..100000");
        assertRefused(
                CliRun.of(
                        "embed",
                        "--model",
                        MODEL,
                        img,
                        "--batch",
                        "-3",
                        "--out",
                        tmp.resolve("e").toString()),
                "--batch must be in 1..1024 but was -3");
        Path out = tmp.resolve("m.onnx");
        assertRefused(
                CliRun.of("export", "--model", MODEL, "--classes", "0", "--out", out.toString()),
                "--classes must be in 1..100000 but was 0");
        assertRefused(
                CliRun.of("export", "--model", MODEL, "--size", "1", "--out", out.toString()),
                "--size must be in 8..4096 but was 1");
        assertRefused(
                CliRun.of("export", "--model", MODEL, "--size", "65536", "--out", out.toString()),
                "--size must be in 8..4096 but was 65536");
        assertRefused(
                CliRun.of(
                        "export", "--model", MODEL, "--in-channels", "2", "--out", out.toString()),
                "--in-channels must be 1 or 3 but was 2");
        assertTrue(Files.notExists(out));
    }

    @Test
    void exportRefusesATargetThatIsNotARegularFileBeforeBuilding(@TempDir Path tmp) {
        long start = System.nanoTime();
        assertRefused(
                CliRun.of("export", "--model", MODEL, "--out", tmp.toString()),
                "--out " + tmp + " is a directory");
        assertRefused(
                CliRun.of("export", "--model", MODEL, "--out", "/dev/null"),
                "--out /dev/null exists and is not a regular file");
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused before any model work");
    }

    @Test
    void exportTakesEveryRecordedDimensionFromTheWeights(@TempDir Path tmp) throws IOException {
        Path weights = tmp.resolve("w.fvw");
        ModelOptions options =
                ModelOptions.builder().setNumClasses(7).optInputSize(40).optInChannels(1).build();
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone model = ModelRegistry.model(MODEL, options);
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            WeightsFile.save(model, weights, Map.of(WeightsFile.INPUT_SIZE, "40"));
        }
        CliRun r =
                CliRun.of(
                        "export",
                        "--model",
                        MODEL,
                        "--weights",
                        weights.toString(),
                        "--out",
                        tmp.resolve("w.onnx").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("(N, 1, 40, 40)"), r.out());
        assertTrue(r.out().contains("(N, 7)"), r.out());
        CliRun sized =
                CliRun.of(
                        "export",
                        "--model",
                        MODEL,
                        "--weights",
                        weights.toString(),
                        "--size",
                        "64",
                        "--out",
                        tmp.resolve("w64.onnx").toString());
        assertEquals(0, sized.code(), sized.err());
        assertTrue(sized.out().contains("(N, 1, 64, 64)"), sized.out());
    }

    @Test
    void aLineBreakInAFileNameKeepsTheIndexAndTheTextAligned(
            @org.junit.jupiter.api.io.TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("names");
        Files.createDirectories(dir);
        gray(dir.resolve("a.png"), 8, 8);
        gray(dir.resolve("b\nc.png"), 8, 8);
        gray(dir.resolve("d\\e.png"), 8, 8);
        Path out = tmp.resolve("emb");
        CliRun e =
                CliRun.of(
                        "embed",
                        "--model",
                        MODEL,
                        "--image-size",
                        "32",
                        dir.toString(),
                        "--out",
                        out.toString());
        assertEquals(0, e.code(), e.err());
        List<String> index = Files.readAllLines(out.resolve("index.txt"));
        assertEquals(3, index.size(), "one line per row: " + index);
        assertTrue(index.get(1).endsWith("b\\nc.png"), index.get(1));
        assertTrue(index.get(2).endsWith("d\\\\e.png"), index.get(2));
        CliRun p = CliRun.of(predict(dir.toString(), "--top", "1"));
        assertEquals(0, p.code(), p.err());
        assertEquals(3, p.out().lines().count(), p.out());

        Path file = tmp.resolve("file.txt");
        Files.writeString(file, "x");
        assertRefused(
                CliRun.of(
                        "embed",
                        "--model",
                        MODEL,
                        "--image-size",
                        "32",
                        dir.toString(),
                        "--out",
                        file.toString()),
                "--out " + file,
                "not a directory");
    }
}
