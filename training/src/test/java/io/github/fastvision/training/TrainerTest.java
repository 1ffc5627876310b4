package io.github.fastvision.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.models.ParameterNames;
import io.github.fastvision.training.checkpoint.TrainingCheckpoint;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.loop.TrainingLoop;
import io.github.fastvision.training.loop.ZooTrainer;
import io.github.fastvision.training.progress.MetricsFiles;
import io.github.fastvision.training.recipe.OptimizerKind;
import io.github.fastvision.training.recipe.Recipe;
import io.github.fastvision.training.recipe.Recipes;
import io.github.fastvision.training.recipe.ScheduleKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training loop on a tiny real problem: learning, exact resume, divergence, corrupt
 * checkpoints.
 */
class TrainerTest {

    private static final DatasetSplit DATA = TinyData.of(40, 20);
    private static final int SIZE = 28;

    /** A recipe with EMA and clipping on, so that their state is part of the resume test. */
    private static Recipe recipe(double lr) {
        return Recipe.builder()
                .setName("test")
                .setSource("test")
                .setOptimizer(OptimizerKind.ADAMW)
                .setLr(lr, 32)
                .setWeightDecay(0.05)
                .setEpochs(3)
                .setSchedule(ScheduleKind.COSINE)
                .optWarmupEpochs(0.5)
                .optLabelSmoothing(0.1f)
                .optMixupAlpha(0.2)
                .optCutmixAlpha(1.0)
                .optEmaDecay(0.99)
                .optGradClip(5.0)
                .optCropMinScale(0.6)
                .optFlip(true)
                .build();
    }

    private static TinyNet net(NDManager m) {
        Engine.getInstance().setRandomSeed(3);
        TinyNet net = new TinyNet(1, 16, 10);
        net.initialize(m, DataType.FLOAT32, new Shape(1, 1, SIZE, SIZE));
        return net;
    }

    private static TrainConfig config(Recipe r, int epochs, Path out, boolean resume) {
        return TrainConfig.builder()
                .setModel("tiny")
                .setRecipe(r)
                .setEpochs(epochs)
                .setBatch(32)
                .setImageSize(SIZE)
                .optSeed(11)
                .optDataset("fashion-mnist-subset")
                .optOut(out)
                .optResume(resume)
                .build();
    }

    private static List<float[]> weights(TinyNet net) {
        List<float[]> out = new ArrayList<>();
        for (ParameterNames.Named p : ParameterNames.of(net)) {
            out.add(p.parameter().getArray().toFloatArray());
        }
        return out;
    }

    /** Stops a run after an epoch as a crash would, after the checkpoint was written. */
    private static final class Crash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    /** A listener that crashes the run once the given epoch's checkpoint is written. */
    private static TrainingLoopListener crashAfterEpoch(int epoch) {
        return new TrainingLoopListener() {
            @Override
            public void onEpoch(EpochMetrics metrics) {
                if (metrics.epoch() == epoch) {
                    throw new Crash();
                }
            }
        };
    }

    @Test
    void learnsWritesMetricsAndResumesToTheSameNumbers(@TempDir Path dir) throws IOException {
        Path straight = dir.resolve("straight");
        List<float[]> expected;
        TrainResult full;
        try (NDManager m = NDManager.newBaseManager()) {
            TinyNet net = net(m);
            full =
                    new TrainingLoop(
                                    config(recipe(4e-3), 3, straight, false),
                                    TrainingLoopListener.NONE)
                            .fit(net, m, DATA);
            expected = weights(net);
        }
        assertEquals(3, full.history().size());
        List<String> csv = Files.readAllLines(straight.resolve(MetricsFiles.CSV));
        assertEquals(MetricsFiles.HEADER, csv.get(0));
        assertEquals(4, csv.size());
        assertTrue(Files.size(straight.resolve(MetricsFiles.PNG)) > 1000);

        Path resumed = dir.resolve("resumed");
        TrainingLoopListener crashAfterFirst = crashAfterEpoch(1);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(
                    Crash.class,
                    () ->
                            new TrainingLoop(
                                            config(recipe(4e-3), 3, resumed, false),
                                            crashAfterFirst)
                                    .fit(net(m), m, DATA));
        }
        TrainResult second;
        try (NDManager m = NDManager.newBaseManager()) {
            TinyNet net = net(m);
            second =
                    new TrainingLoop(
                                    config(recipe(4e-3), 3, resumed, true),
                                    TrainingLoopListener.NONE)
                            .fit(net, m, DATA);
            List<float[]> got = weights(net);
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i), got.get(i), "parameter " + i + " after resume");
            }
        }
        assertEquals(3, second.history().size(), "history carries the epoch before the crash");
        for (int e = 0; e < 3; e++) {
            EpochMetrics a = full.history().get(e);
            EpochMetrics b = second.history().get(e);
            assertEquals(a.trainLoss(), b.trainLoss(), "epoch " + (e + 1) + " train loss");
            assertEquals(a.testAccuracy(), b.testAccuracy(), "epoch " + (e + 1) + " test accuracy");
            assertEquals(a.testLoss(), b.testLoss(), "epoch " + (e + 1) + " test loss");
            assertEquals(a.lr(), b.lr(), "epoch " + (e + 1) + " lr");
        }
    }

    @Test
    void learnsFarAboveChance() throws IOException {
        TrainConfig c =
                TrainConfig.builder()
                        .setModel("test_fasternet")
                        .setRecipe(Recipes.get(Recipes.SMALL))
                        .setEpochs(4)
                        .setBatch(32)
                        .setImageSize(32)
                        .optSeed(1)
                        .optDataset("subset")
                        .build();
        TrainResult r = ZooTrainer.train(c, DATA, TrainingLoopListener.NONE);
        EpochMetrics first = r.history().get(0);
        EpochMetrics last = r.history().get(3);
        assertTrue(last.trainLoss() < first.trainLoss(), "training loss falls: " + r.history());
        assertTrue(
                r.testAccuracy() > 0.5,
                "10 classes (chance 0.1), 400 images, 4 epochs: " + r.history());
    }

    @Test
    void divergenceStopsAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws IOException {
        TrainingLoopListener crashAfterFirst = crashAfterEpoch(1);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(
                    Crash.class,
                    () ->
                            new TrainingLoop(config(recipe(4e-3), 3, dir, false), crashAfterFirst)
                                    .fit(net(m), m, DATA));
        }
        Path ckpt = dir.resolve(TrainingCheckpoint.FILE_NAME);
        byte[] good = Files.readAllBytes(ckpt);
        try (NDManager m = NDManager.newBaseManager()) {
            // the same run resumed with an absurd learning rate: the loss overflows in epoch 2
            LossDivergedException e =
                    assertThrows(
                            LossDivergedException.class,
                            () ->
                                    new TrainingLoop(
                                                    config(recipe(1e12), 3, dir, true),
                                                    TrainingLoopListener.NONE)
                                            .fit(net(m), m, DATA));
            assertTrue(e.getMessage().contains("epoch 2"), e.getMessage());
            assertTrue(e.getMessage().contains("last good checkpoint (epoch 1)"), e.getMessage());
        }
        assertArrayEquals(good, Files.readAllBytes(ckpt), "the checkpoint of epoch 1 is untouched");
    }

    @Test
    void corruptOrMismatchedCheckpointsFailBeforeAnythingChanges(@TempDir Path dir)
            throws IOException {
        TrainingLoopListener stop = crashAfterEpoch(1);
        try (NDManager m = NDManager.newBaseManager()) {
            assertThrows(
                    Crash.class,
                    () ->
                            new TrainingLoop(config(recipe(4e-3), 3, dir, false), stop)
                                    .fit(net(m), m, DATA));
        }
        Path ckpt = dir.resolve(TrainingCheckpoint.FILE_NAME);
        byte[] bytes = Files.readAllBytes(ckpt);
        Files.write(ckpt, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        try (NDManager m = NDManager.newBaseManager()) {
            TinyNet net = net(m);
            List<float[]> before = weights(net);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    new TrainingLoop(
                                                    config(recipe(4e-3), 3, dir, true),
                                                    TrainingLoopListener.NONE)
                                            .fit(net, m, DATA));
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            List<float[]> after = weights(net);
            for (int i = 0; i < before.size(); i++) {
                assertArrayEquals(
                        before.get(i),
                        after.get(i),
                        "parameter " + i + " changed by a failed resume");
            }
        }
        Files.write(ckpt, bytes);
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    new TrainingLoop(
                                                    TrainConfig.builder()
                                                            .setModel("tiny")
                                                            .setRecipe(recipe(4e-3))
                                                            .setEpochs(3)
                                                            .setBatch(16)
                                                            .setImageSize(SIZE)
                                                            .optSeed(11)
                                                            .optDataset("fashion-mnist-subset")
                                                            .optOut(dir)
                                                            .optResume(true)
                                                            .build(),
                                                    TrainingLoopListener.NONE)
                                            .fit(net(m), m, DATA));
            assertTrue(e.getMessage().contains("batch (checkpoint 32, now 16)"), e.getMessage());
        }
        Files.writeString(ckpt, "PK not a checkpoint");
        try (NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    new TrainingLoop(
                                                    config(recipe(4e-3), 3, dir, true),
                                                    TrainingLoopListener.NONE)
                                            .fit(net(m), m, DATA));
            assertTrue(
                    e.getMessage().contains("not a fastvision training checkpoint"),
                    e.getMessage());
        }
    }

    @Test
    void zooModelsTrainSaveAndEvaluate(@TempDir Path dir) throws IOException {
        TrainConfig c =
                TrainConfig.builder()
                        .setModel("test_fasternet")
                        .setRecipe(Recipes.get(Recipes.SMALL))
                        .setEpochs(1)
                        .setBatch(32)
                        .setImageSize(32)
                        .optSeed(5)
                        .optDataset("subset")
                        .optOut(dir)
                        .build();
        TrainResult r = ZooTrainer.train(c, DATA, TrainingLoopListener.NONE);
        assertEquals("test_fasternet", r.model());
        assertTrue(r.imagesPerSecond() > 0);
        ClassifierEvaluator.Result e = ZooTrainer.evaluate(dir, null, DATA.test(), 32);
        assertEquals(
                r.testAccuracy(),
                e.accuracy(),
                1e-9,
                "the saved weights give the reported accuracy");
        assertEquals(200, e.images());
        IllegalArgumentException wrong =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new TrainingLoop(
                                                TrainConfig.builder()
                                                        .setModel("x")
                                                        .setRecipe(Recipes.get(Recipes.SMALL))
                                                        .setEpochs(1)
                                                        .setBatch(32)
                                                        .setImageSize(32)
                                                        .optSeed(5)
                                                        .optDataset("s")
                                                        .build(),
                                                TrainingLoopListener.NONE)
                                        .fit(badModel(), NDManager.newBaseManager(), DATA));
        assertTrue(wrong.getMessage().contains("expected (N, 10)"), wrong.getMessage());
    }

    @Test
    void aStemStrideTravelsWithTheWeightsAndTheCheckpoint(@TempDir Path dir) throws IOException {
        TrainConfig c =
                TrainConfig.builder()
                        .setModel("test_fasternet")
                        .setRecipe(Recipes.get(Recipes.SMALL))
                        .setEpochs(1)
                        .setBatch(32)
                        .setImageSize(32)
                        .optStemStride(2)
                        .optSeed(5)
                        .optDataset("subset")
                        .optOut(dir)
                        .build();
        TrainResult r = ZooTrainer.train(c, DATA, TrainingLoopListener.NONE);
        // evaluate rebuilds the model from the weights file alone, stem stride included.
        ClassifierEvaluator.Result e = ZooTrainer.evaluate(dir, null, DATA.test(), 32);
        assertEquals(r.testAccuracy(), e.accuracy(), 1e-9);
        assertEquals(
                2,
                io.github.fastvision.models.io.WeightsFile.header(dir.resolve("test_fasternet.fvw"))
                        .stemStride());
        TrainConfig other =
                TrainConfig.builder()
                        .setModel("test_fasternet")
                        .setRecipe(Recipes.get(Recipes.SMALL))
                        .setEpochs(1)
                        .setBatch(32)
                        .setImageSize(32)
                        .optStemStride(0)
                        .optSeed(5)
                        .optDataset("subset")
                        .optOut(dir)
                        .optResume(true)
                        .build();
        IllegalArgumentException mismatch =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ZooTrainer.train(other, DATA, TrainingLoopListener.NONE));
        assertTrue(mismatch.getMessage().contains("stem stride"), mismatch.getMessage());
    }

    private static TinyNet badModel() {
        TinyNet n = new TinyNet(1, 8, 7);
        n.initialize(NDManager.newBaseManager(), DataType.FLOAT32, new Shape(1, 1, 32, 32));
        return n;
    }
}
