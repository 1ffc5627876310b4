package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.examples.cli.DatasetOption;
import io.github.fastvision.examples.cli.QuietOption;
import io.github.fastvision.examples.cli.SeedOption;
import io.github.fastvision.models.weights.Npy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The options the commands share through picocli mixins still show in every command's help. */
class SharedOptionsTest {

    @Test
    void everyCommandListsJson() {
        for (String cmd :
                new String[] {
                    "demo",
                    "zoo",
                    "run",
                    "import",
                    "bench",
                    "train",
                    "evaluate",
                    "study",
                    "anytime",
                    "prune"
                }) {
            CliRun r = CliRun.of(cmd, "--help");
            assertEquals(0, r.code(), cmd + ": " + r.err());
            assertTrue(
                    r.out().contains("--json")
                            && r.out().contains("Print one JSON document on stdout."),
                    cmd + ": " + r.out());
        }
    }

    @Test
    void eachBenchSuiteDescribesItsOwnOptions(@TempDir Path tmp) {
        String models = CliRun.of("bench", "models", "--help").out();
        for (String part :
                new String[] {
                    "--models",
                    "--weights",
                    "--engine",
                    "--peer-onnx",
                    "--precision",
                    "MinMax",
                    "--threads",
                    "--json",
                    "DJL's own ResNetV1-50"
                }) {
            assertTrue(models.contains(part), part + " in: " + models);
        }
        String ops = CliRun.of("bench", "ops", "--help").out();
        assertTrue(ops.contains("--threads") && ops.contains("--json"), ops);
        assertFalse(ops.contains("--weights") || ops.contains("--models"), ops);
        // Shared options reach the suite whether given before or after its name.
        String out = tmp.resolve("b").toString();
        for (CliRun r :
                new CliRun[] {
                    CliRun.of("bench", "ops", "--threads", "0", "--out", out),
                    CliRun.of("bench", "--threads", "0", "ops", "--out", out)
                }) {
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("--threads must be >= 1 but was 0"), r.err());
        }
        CliRun none = CliRun.of("bench");
        assertEquals(2, none.code(), none.err());
        assertTrue(none.err().contains("name a suite: ops, pconv, models or pflayer"), none.err());
        assertFalse(Files.exists(tmp.resolve("b")), "JMH did not start");
    }

    @Test
    void seedDefaultsStayPerCommand() {
        String run = CliRun.of("run", "--help").out();
        assertTrue(run.contains("--seed=<seed>") && run.contains("(default: 0)"), run);
        String train = CliRun.of("train", "--help").out();
        assertTrue(train.contains("--seed=<seed>") && train.contains("(default: 42)"), train);
    }

    @Test
    void datasetStaysRequiredForTrainingAndEvaluation() {
        CliRun train = CliRun.of("train", "--model", "test_fasternet");
        assertEquals(2, train.code());
        assertTrue(
                train.err().contains("Missing required option: '--dataset=<dataset>'"),
                train.err());
        CliRun evaluate = CliRun.of("evaluate", "--weights", "w.fvw");
        assertEquals(2, evaluate.code());
        assertTrue(evaluate.err().contains("'--dataset=<dataset>'"), evaluate.err());
    }

    /** The mixins the paper reproductions take (anytime, study), on a command of their own. */
    @Command(name = "reproduction", mixinStandardHelpOptions = true)
    static final class Reproduction implements Runnable {
        @Mixin DatasetOption.Defaulted dataset;
        @Mixin SeedOption seed;
        @Mixin QuietOption quiet;
        String ran;

        @Override
        public void run() {
            ran = dataset.dataset() + " " + seed.seed() + " " + quiet.enabled();
        }
    }

    @Test
    void reproductionMixinsDefaultToFashionMnistSeed42AndProgress() {
        Reproduction plain = new Reproduction();
        assertEquals(0, new CommandLine(plain).execute());
        assertEquals("fashion-mnist 42 false", plain.ran);
        Reproduction given = new Reproduction();
        assertEquals(
                0,
                new CommandLine(given)
                        .execute("--dataset", "fashion-mnist-subset", "--seed", "7", "--quiet"));
        assertEquals("fashion-mnist-subset 7 true", given.ran);
        StringWriter help = new StringWriter();
        CommandLine cli = new CommandLine(new Reproduction());
        cli.setOut(new PrintWriter(help));
        assertEquals(0, cli.execute("--help"));
        String text = help.toString().replaceAll("\\s+", " ");
        assertTrue(text.contains("fashion-mnist-subset (default: fashion-mnist)"), text);
        assertTrue(help.toString().contains("--quiet"), help.toString());
    }

    @Test
    void runRefusesADirectoryAsOutputAndLeavesNoTemporaryFile(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in.npy");
        Path dir = Files.createDirectory(tmp.resolve("out"));
        try (NDManager m = NDManager.newBaseManager()) {
            Npy.write(in, m.ones(new Shape(1, 1, 32, 32)));
        }
        CliRun r =
                CliRun.of(
                        "run",
                        "--model",
                        "test_resnet",
                        "--classes",
                        "10",
                        "--input",
                        in.toString(),
                        "--output",
                        dir.toString(),
                        "--json");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("is a directory"), r.err());
        try (Stream<Path> files = Files.list(tmp)) {
            assertFalse(
                    files.anyMatch(p -> p.getFileName().toString().contains(".tmp")),
                    "temporary file left behind");
        }
    }
}
