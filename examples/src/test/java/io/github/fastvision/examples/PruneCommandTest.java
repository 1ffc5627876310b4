package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fastvision prune}: a smaller model that loads like any other, and clear refusals. */
class PruneCommandTest {

    private static Path weights(Path dir, String model) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel v =
                    ModelRegistry.create(
                            model,
                            ModelOptions.builder().setNumClasses(10).optInputSize(32).build());
            v.initialize(m, DataType.FLOAT32, v.inputShape(1));
            Path file = dir.resolve(model + WeightsFile.EXTENSION);
            WeightsFile.save(v, file);
            return file;
        }
    }

    @Test
    void l1WritesASmallerModelAndOneJsonDocument(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        weights(in, "test_vgg_cifar");
        Path out = tmp.resolve("out");
        CliRun r =
                CliRun.of(
                        "prune",
                        "--model",
                        "test_vgg_cifar",
                        "--weights",
                        in.toString(),
                        "--method",
                        "l1",
                        "--ratio",
                        "0.5",
                        "--out",
                        out.toString(),
                        "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonObject before = doc.getAsJsonObject("before");
        JsonObject after = doc.getAsJsonObject("after");
        for (String k : new String[] {"params", "flops", "latency_ms"}) {
            assertTrue(before.has(k) && after.has(k), k + " in " + r.out());
        }
        assertTrue(after.get("params").getAsLong() < before.get("params").getAsLong());
        assertEquals(4, doc.getAsJsonArray("widths").size());
        Path file = out.resolve("test_vgg_cifar" + WeightsFile.EXTENSION);
        WeightsFile.Header header = WeightsFile.header(file);
        assertEquals(4, header.widths().length);
        // The pruned weights run through `run`-style loading: header options, then load.
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel v = ModelRegistry.create(header.model(), header.options(32));
            WeightsFile.load(v, m, file);
            assertEquals(after.get("params").getAsLong(), v.cost().params());
        }
    }

    @Test
    void uniformPrunesTheMlpHiddenWidthsOfAZooFamily(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        weights(in, "test_fasternet");
        Path out = tmp.resolve("out");
        CliRun r =
                CliRun.of(
                        "prune",
                        "--model",
                        "test_fasternet",
                        "--weights",
                        in.toString(),
                        "--method",
                        "uniform",
                        "--ratio",
                        "0.5",
                        "--out",
                        out.toString(),
                        "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        assertTrue(
                doc.getAsJsonObject("after").get("params").getAsLong()
                        < doc.getAsJsonObject("before").get("params").getAsLong());
        // test_fasternet: 1 + 1 + 2 + 1 blocks, one MLP hidden width each.
        assertEquals(5, doc.getAsJsonArray("widths").size());
        JsonObject first = doc.getAsJsonArray("widths").get(0).getAsJsonObject();
        assertEquals("stages_0.0.mlp_hidden", first.get("layer").getAsString());
        assertEquals(32, first.get("before").getAsInt());
        assertEquals(16, first.get("after").getAsInt());
        WeightsFile.Header header =
                WeightsFile.header(out.resolve("test_fasternet" + WeightsFile.EXTENSION));
        assertEquals(5, header.widths().length);
    }

    @Test
    void roundToKeepsEveryWidthAMultiple(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        weights(in, "test_fasternet");
        Path out = tmp.resolve("out");
        CliRun r =
                CliRun.of(
                        "prune",
                        "--weights",
                        in.resolve("test_fasternet" + WeightsFile.EXTENSION).toString(),
                        "--method",
                        "uniform",
                        "--ratio",
                        "0.6",
                        "--round-to",
                        "8",
                        "--out",
                        out.toString(),
                        "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(8, doc.get("round_to").getAsInt());
        for (var w : doc.getAsJsonArray("widths")) {
            int before = w.getAsJsonObject().get("before").getAsInt();
            int after = w.getAsJsonObject().get("after").getAsInt();
            // 60% of 32 leaves 13 (uniform rounds the kept share), rounded up to 16.
            assertTrue(after % 8 == 0 || after == before, w.toString());
            assertTrue(after < before, w.toString());
        }
    }

    @Test
    void badInputExitsTwoAndChangesNothing(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in");
        Path vgg = weights(in, "test_vgg_cifar");
        weights(in, "test_rexnet");
        weights(in, "test_convnext");
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Path existing = weights(out, "test_vgg_cifar");
        byte[] saved = Files.readAllBytes(existing);
        String[][] cases = {
            {"--ratio", "1.5", "--method", "l1", "--weights", vgg.toString()},
            {"--ratio", "0", "--method", "slimming", "--weights", vgg.toString()},
            {"--ratio", "0.5", "--method", "pruneall", "--weights", vgg.toString()},
            {"--ratio", "0.99", "--method", "slimming", "--weights", vgg.toString()},
            {
                "--ratio",
                "0.5",
                "--method",
                "l1",
                "--weights",
                in.resolve("test_rexnet.fvw").toString()
            },
            {
                "--ratio",
                "0.5",
                "--method",
                "slimming",
                "--weights",
                in.resolve("test_convnext.fvw").toString()
            },
            {
                "--ratio",
                "0.5",
                "--method",
                "l1",
                "--weights",
                vgg.toString(),
                "--model",
                "test_resnet_cifar"
            },
            {"--ratio", "0.5", "--method", "l1", "--weights", vgg.toString(), "--round-to", "0"},
            {
                "--ratio",
                "0.5",
                "--method",
                "magnitude",
                "--weights",
                vgg.toString(),
                "--round-to",
                "8"
            },
        };
        String[] expected = {
            "--ratio must be in (0, 1) but was 1.5",
            "--ratio must be in (0, 1) but was 0.0",
            "expected l1, slimming, magnitude or uniform",
            "remove every channel",
            "l1 does not apply to test_rexnet",
            "Network Slimming ranks channels by the BN scale after them, but stages_0.0.mlp_hidden",
            "holds weights for test_vgg_cifar but --model is test_resnet_cifar",
            "--round-to must be >= 1 but was 0",
            "--round-to applies to the structured methods",
        };
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 3];
            args[0] = "prune";
            System.arraycopy(cases[i], 0, args, 1, cases[i].length);
            args[args.length - 2] = "--out";
            args[args.length - 1] = out.toString();
            CliRun r = CliRun.of(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(expected[i]), r.err());
            assertEquals("", r.out());
        }
        assertTrue(java.util.Arrays.equals(saved, Files.readAllBytes(existing)));
        try (var files = Files.list(out)) {
            assertEquals(1, files.count(), "no temporary or new file in --out");
        }
        assertFalse(Files.exists(out.resolve("test_rexnet" + WeightsFile.EXTENSION)));
        assertFalse(Files.exists(out.resolve("test_convnext" + WeightsFile.EXTENSION)));
    }
}
