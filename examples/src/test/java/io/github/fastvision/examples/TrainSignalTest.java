package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import io.github.fastvision.training.StopSignal;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.TrainingStoppedException;
import io.github.fastvision.training.checkpoint.TrainingCheckpoint;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.Datasets;
import io.github.fastvision.training.loop.ZooTrainer;
import io.github.fastvision.training.recipe.Recipes;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM during {@code train}, for real: a child JVM trains a tiny model on a tiny image folder,
 * receives SIGTERM ({@link Process#destroy()} on Linux) while it is stepping, and must stop at a
 * step boundary with a message and a non-zero status, leave no JVM crash log, and keep a checkpoint
 * that a resumed run restores.
 */
class TrainSignalTest {

    private static final int RUNS = 2;
    private static final int EPOCHS = 100_000;

    @Test
    void sigtermStopsAtAStepBoundaryAndKeepsTheCheckpoint(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        write(data.resolve("train/a"), Color.RED, 4);
        write(data.resolve("train/b"), Color.BLUE, 4);
        write(data.resolve("test/a"), Color.RED, 1);
        write(data.resolve("test/b"), Color.BLUE, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        for (int run = 0; run < RUNS; run++) {
            Path work = Files.createDirectories(tmp.resolve("work" + run));
            Path out = work.resolve("run");
            Process p = start(work, data, out);
            Path ckpt = out.resolve(TrainingCheckpoint.FILE_NAME);
            // Stepping has begun once epoch 1's checkpoint exists; the signal then lands in a step.
            while (!Files.exists(ckpt) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(
                    p.isAlive(),
                    "the child trains until signalled: "
                            + Files.readString(work.resolve("stderr.txt")));
            Thread.sleep(37L * run);
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child exits after SIGTERM");
            String log =
                    "exit " + p.exitValue() + ": " + Files.readString(work.resolve("stderr.txt"));
            assertNotEquals(0, p.exitValue(), log);
            assertTrue(
                    log.matches(
                            "(?s).*stopped by signal at epoch \\d+, batch \\d+; the checkpoint"
                                    + " of epoch \\d+ is kept at .*checkpoint\\.fvc.*"),
                    log);
            assertTrue(!log.contains("SIGSEGV") && !log.contains("fatal error"), log);
            try (Stream<Path> s = Files.list(work)) {
                List<String> crashLogs =
                        s.map(f -> f.getFileName().toString())
                                .filter(n -> n.startsWith("hs_err_pid"))
                                .toList();
                assertEquals(List.of(), crashLogs, log);
            }
            int done =
                    JsonParser.parseString(TrainingCheckpoint.readMeta(ckpt))
                            .getAsJsonObject()
                            .get("epochs_done")
                            .getAsInt();
            assertTrue(done >= 1, "epochs done " + done);
            try (Stream<Path> s = Files.list(out)) {
                assertTrue(
                        s.noneMatch(f -> f.getFileName().toString().contains(".tmp")),
                        "no temporary file left in " + out);
            }
        }
        assertResumable(data, tmp.resolve("work0").resolve("run"));
    }

    /** A resumed run restores every array of the kept checkpoint, then stops on request. */
    private static void assertResumable(Path data, Path out) throws IOException {
        DatasetSplit split = Datasets.open(data.toString(), 3, Datasets.storeSize(32));
        try (StopSignal stop = StopSignal.manual()) {
            stop.request();
            TrainConfig config =
                    TrainConfig.builder()
                            .setModel("test_fasternet")
                            .setRecipe(Recipes.get(Recipes.SMALL))
                            .setEpochs(EPOCHS)
                            .setBatch(4)
                            .setImageSize(32)
                            .optSeed(1)
                            .optDataset(data.toString())
                            .optOut(out)
                            .optResume(true)
                            .optStop(stop)
                            .build();
            TrainingStoppedException e =
                    assertThrows(
                            TrainingStoppedException.class,
                            () -> ZooTrainer.train(config, split, new TrainingLoopListener() {}));
            assertTrue(e.getMessage().startsWith("stopped by request at epoch "), e.getMessage());
            assertTrue(e.getMessage().contains("is kept at " + out), e.getMessage());
        }
    }

    private static Process start(Path work, Path data, Path out) throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dai.djl.default_engine=PyTorch");
        cmd.add(FastVisionCli.class.getName());
        cmd.addAll(
                List.of(
                        "train",
                        "--model",
                        "test_fasternet",
                        "--dataset",
                        data.toString(),
                        "--image-size",
                        "32",
                        "--epochs",
                        Integer.toString(EPOCHS),
                        "--batch",
                        "4",
                        "--seed",
                        "1",
                        "--out",
                        out.toString()));
        return new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(work.resolve("stderr.txt").toFile())
                .start();
    }

    private static void write(Path dir, Color color, int n) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
            var g = img.createGraphics();
            g.setColor(color);
            g.fillRect(0, 0, 10, 10);
            g.dispose();
            ImageIO.write(img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
        }
    }
}
