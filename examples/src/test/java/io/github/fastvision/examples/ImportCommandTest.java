package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.models.weights.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `import` then `run --weights DIR` reproduces the output PyTorch computed for the checkpoint. */
class ImportCommandTest {

    private static final Path FIXTURES =
            Path.of("..", "models", "src", "test", "resources", "import");

    @Test
    void importThenRunMatchesPyTorch(@TempDir Path tmp) throws Exception {
        CliRun imp =
                CliRun.of(
                        "import",
                        "--model",
                        "test_rexnet",
                        "--weights",
                        FIXTURES.resolve("rexnet_official.pth").toString(),
                        "--out",
                        tmp.toString(),
                        "--input-size",
                        "32",
                        "--json");
        assertEquals(0, imp.code(), imp.err());
        JsonObject report = JsonParser.parseString(imp.out()).getAsJsonObject();
        assertEquals("official", report.get("source").getAsString());
        assertTrue(report.getAsJsonArray("missing").isEmpty());
        assertTrue(Files.exists(tmp.resolve("test_rexnet.fvw")));
        assertTrue(Files.exists(tmp.resolve("import.json")));
        Path out = tmp.resolve("logits.npy");
        CliRun r =
                CliRun.of(
                        "run",
                        "--model",
                        "test_rexnet",
                        "--weights",
                        tmp.toString(),
                        "--input",
                        FIXTURES.resolve("rexnet_official_input.npy").toString(),
                        "--output",
                        out.toString());
        assertEquals(0, r.code(), r.err());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = Npy.read(m, out);
            NDArray ref = Npy.read(m, FIXTURES.resolve("rexnet_official_output.npy"));
            assertTrue(y.sub(ref).abs().max().getFloat() <= 1e-4 * ref.abs().max().getFloat());
        }
    }

    @Test
    void unknownSourceAndMissingTableAreClearErrors(@TempDir Path tmp) {
        String ckpt = FIXTURES.resolve("resnet_torchvision.pth").toString();
        CliRun bad =
                CliRun.of(
                        "import",
                        "--model",
                        "test_resnet",
                        "--weights",
                        ckpt,
                        "--out",
                        tmp.toString(),
                        "--source",
                        "caffe");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--source must be official, timm or torchvision"), bad.err());
        CliRun none =
                CliRun.of(
                        "import",
                        "--model",
                        "pit_small",
                        "--weights",
                        ckpt,
                        "--out",
                        tmp.toString(),
                        "--source",
                        "torchvision");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("no torchvision name table for pit_small"), none.err());
    }
}
