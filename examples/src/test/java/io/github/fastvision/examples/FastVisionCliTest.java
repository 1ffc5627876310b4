package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.core.OperatorCatalog;
import org.junit.jupiter.api.Test;

class FastVisionCliTest {

    @Test
    void helpListsTheSubcommands() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("demo"), r.out());
    }

    @Test
    void demoJsonIsOneDocumentWithEveryOperatorAndPassingChecks(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        CliRun r =
                CliRun.of(
                        "demo",
                        "--json",
                        "--repeats",
                        "1",
                        "--bench-iteration-ms",
                        "10",
                        "--bench-out",
                        tmp.toString(),
                        "--train-epochs",
                        "1",
                        "--train-out",
                        tmp.resolve("train").toString());
        assertEquals(0, r.code(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonArray ops = doc.getAsJsonArray("operators");
        assertEquals(OperatorCatalog.entries().size(), ops.size());
        for (int i = 0; i < ops.size(); i++) {
            JsonObject op = ops.get(i).getAsJsonObject();
            OperatorCatalog.Entry e = OperatorCatalog.entries().get(i);
            assertEquals(e.name(), op.get("name").getAsString());
            assertEquals(e.input().dimension(), op.getAsJsonArray("input").size());
            assertTrue(op.get("medianMs").getAsDouble() > 0, e.name());
        }
        JsonArray models = doc.getAsJsonArray("models");
        assertEquals(5, models.size());
        assertEquals(
                1000, models.get(0).getAsJsonObject().getAsJsonArray("output").get(1).getAsInt());
        JsonObject bench = doc.getAsJsonObject("bench");
        assertEquals(16, bench.getAsJsonArray("rows").size(), "4 operators x 4 feature maps");
        assertTrue(bench.get("peak_flops_per_s").getAsDouble() > 1e9);
        assertTrue(java.nio.file.Files.exists(tmp.resolve("ops_flops.png")));
        JsonObject training = doc.getAsJsonObject("training");
        assertEquals("fasternet_t0", training.get("model").getAsString());
        assertEquals(1, training.get("epochs").getAsInt());
        assertTrue(training.get("test_accuracy").getAsDouble() > 0.3, training.toString());
        assertTrue(java.nio.file.Files.exists(tmp.resolve("train/fasternet_t0.fvw")));
        JsonObject predict = doc.getAsJsonObject("predict");
        assertEquals(100, predict.get("images").getAsInt());
        assertTrue(predict.get("matches_evaluate").getAsBoolean(), predict.toString());
        assertEquals(
                predict.get("evaluate_accuracy").getAsDouble(),
                predict.get("accuracy").getAsDouble(),
                1e-9);
        JsonArray checks = doc.getAsJsonArray("checks");
        assertEquals(3, checks.size());
        for (JsonElement c : checks) {
            assertTrue(c.getAsJsonObject().get("passed").getAsBoolean(), c.toString());
        }
    }

    @Test
    void badOptionValueIsAClearErrorWithExitCode2() {
        CliRun r = CliRun.of("demo", "--repeats", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--repeats must be >= 1 but was 0"), r.err());
        CliRun ms = CliRun.of("demo", "--bench-iteration-ms", "5");
        assertEquals(2, ms.code());
        assertTrue(ms.err().contains("--bench-iteration-ms must be >= 10 but was 5"), ms.err());
    }

    @Test
    void quickStartFromTheReadmeRuns() {
        assertEquals(new Shape(1, 64, 56, 56), QuickStart.run());
    }
}
