package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.models.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options the commands share through picocli mixins still show in every command's help. */
class SharedOptionsTest {

    @Test
    void everyCommandListsJson() {
        for (String cmd : new String[] {"demo", "zoo", "run", "import", "bench", "train", "evaluate", "study", "anytime"}) {
            CliRun r = CliRun.of(cmd, "--help");
            assertEquals(0, r.code(), cmd + ": " + r.err());
            assertTrue(r.out().contains("--json") && r.out().contains("Print one JSON document on stdout."),
                    cmd + ": " + r.out());
        }
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
        assertTrue(train.err().contains("Missing required option: '--dataset=<dataset>'"), train.err());
        CliRun evaluate = CliRun.of("evaluate", "--weights", "w.fvw");
        assertEquals(2, evaluate.code());
        assertTrue(evaluate.err().contains("'--dataset=<dataset>'"), evaluate.err());
    }

    @Test
    void runRefusesADirectoryAsOutputAndLeavesNoTemporaryFile(@TempDir Path tmp) throws Exception {
        Path in = tmp.resolve("in.npy");
        Path dir = Files.createDirectory(tmp.resolve("out"));
        try (NDManager m = NDManager.newBaseManager()) {
            Npy.write(in, m.ones(new Shape(1, 1, 32, 32)));
        }
        CliRun r = CliRun.of("run", "--model", "test_resnet", "--classes", "10", "--input", in.toString(),
                "--output", dir.toString(), "--json");
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("is a directory"), r.err());
        try (Stream<Path> files = Files.list(tmp)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(".tmp")), "temporary file left behind");
        }
    }
}
