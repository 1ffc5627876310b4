package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    @Test
    void trainPrintsTheContractJsonAndEvaluateReproducesTheAccuracy(@TempDir Path tmp)
            throws java.io.IOException {
        Path out = tmp.resolve("run");
        CliRun r =
                CliRun.of(
                        "train",
                        "--model",
                        "test_fasternet",
                        "--dataset",
                        "fashion-mnist-subset",
                        "--epochs",
                        "1",
                        "--batch",
                        "64",
                        "--out",
                        out.toString(),
                        "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject doc = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals("test_fasternet", doc.get("model").getAsString());
        assertEquals(1, doc.get("epochs").getAsInt());
        double acc = doc.get("test_accuracy").getAsDouble();
        assertTrue(acc > 0.2 && acc <= 1, "accuracy in [0, 1]: " + acc);
        assertTrue(doc.get("train_seconds").getAsDouble() > 0);
        assertTrue(doc.get("images_per_second").getAsDouble() > 0);
        assertEquals(out.toString(), doc.get("out").getAsString());
        assertTrue(r.err().contains("epoch 1/1"), "progress bar on stderr: " + r.err());
        for (String f :
                new String[] {
                    "checkpoint.fvc", "test_fasternet.fvw", "metrics.csv", "metrics.png"
                }) {
            assertTrue(Files.exists(out.resolve(f)), f);
            assertEquals(
                    "rw-r--r--",
                    java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(out.resolve(f))),
                    f);
        }

        CliRun e =
                CliRun.of(
                        "evaluate",
                        "--weights",
                        out.toString(),
                        "--dataset",
                        "fashion-mnist-subset",
                        "--json");
        assertEquals(0, e.code(), e.err());
        JsonObject ev = JsonParser.parseString(e.out()).getAsJsonObject();
        assertEquals(acc, ev.get("accuracy").getAsDouble(), 1e-9);
        assertEquals(1000, ev.get("images").getAsInt());

        CliRun again =
                CliRun.of(
                        "train",
                        "--model",
                        "test_fasternet",
                        "--dataset",
                        "fashion-mnist-subset",
                        "--epochs",
                        "1",
                        "--batch",
                        "32",
                        "--resume",
                        out.toString());
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("batch (checkpoint 64, now 32)"), again.err());
    }

    @Test
    void unknownNamesAreExplained() {
        CliRun r =
                CliRun.of(
                        "train",
                        "--model",
                        "test_fasternet",
                        "--dataset",
                        "fashion-mnist-subset",
                        "--recipe",
                        "adam");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("unknown recipe 'adam'"), r.err());
        CliRun s = CliRun.of("study", "nope");
        assertNotEquals(0, s.code());
        assertTrue(s.err().contains("single-bottleneck, pconv-ratio or pruning"), s.err());
    }
}
