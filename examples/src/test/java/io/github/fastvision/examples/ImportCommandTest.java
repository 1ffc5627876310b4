package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.models.io.Npy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `import` then `run --weights DIR` reproduces the output PyTorch computed for the checkpoint. */
class ImportCommandTest {

    private static final Path FIXTURES = Path.of("..", "models", "src", "test", "resources", "import");

    private static String[] run(String... args) {
        CommandLine cli = FastVisionCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void importThenRunMatchesPyTorch(@TempDir Path tmp) throws Exception {
        String[] imp = run("import", "--model", "test_rexnet", "--weights", FIXTURES.resolve("rexnet_official.pth").toString(),
                "--out", tmp.toString(), "--input-size", "32", "--json");
        assertEquals("0", imp[0], imp[2]);
        JsonObject report = JsonParser.parseString(imp[1]).getAsJsonObject();
        assertEquals("official", report.get("source").getAsString());
        assertTrue(report.getAsJsonArray("missing").isEmpty());
        assertTrue(Files.exists(tmp.resolve("test_rexnet.fvw")));
        assertTrue(Files.exists(tmp.resolve("import.json")));
        Path out = tmp.resolve("logits.npy");
        String[] r = run("run", "--model", "test_rexnet", "--weights", tmp.toString(),
                "--input", FIXTURES.resolve("rexnet_official_input.npy").toString(), "--output", out.toString());
        assertEquals("0", r[0], r[2]);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = Npy.read(m, out);
            NDArray ref = Npy.read(m, FIXTURES.resolve("rexnet_official_output.npy"));
            assertTrue(y.sub(ref).abs().max().getFloat() <= 1e-4 * ref.abs().max().getFloat());
        }
    }

    @Test
    void unknownSourceAndMissingTableAreClearErrors(@TempDir Path tmp) {
        String ckpt = FIXTURES.resolve("resnet_torchvision.pth").toString();
        String[] bad = run("import", "--model", "test_resnet", "--weights", ckpt, "--out", tmp.toString(), "--source", "caffe");
        assertEquals("2", bad[0]);
        assertTrue(bad[2].contains("--source must be official, timm or torchvision"), bad[2]);
        String[] none = run("import", "--model", "pit_small", "--weights", ckpt, "--out", tmp.toString());
        assertEquals("2", none[0]);
        assertTrue(none[2].contains("no official name table for pit_small"), none[2]);
    }
}
