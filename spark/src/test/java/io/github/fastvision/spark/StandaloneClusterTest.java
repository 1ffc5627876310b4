package io.github.fastvision.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.models.inference.ClassPredictor;
import io.github.fastvision.models.inference.Prediction;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.InMemoryDataset;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark-predict}'s job on a real standalone cluster: a Master and two one-core Workers, each
 * its own JVM on 127.0.0.1, whose executors are JVMs of their own. The job runs once as is, then
 * again in a new application whose executor running the first attempt of partition 1 is killed
 * ({@code SIGKILL}) as that task starts, while it loads the model. Both outputs hold exactly one
 * row per input file, equal to each other and to the library's predictions, with {@code _SUCCESS}
 * and no {@code _temporary}. About a minute on two cores, so it runs with {@code
 * -Dfastvision.spark.cluster=true}.
 */
@EnabledIfSystemProperty(named = "fastvision.spark.cluster", matches = "true")
class StandaloneClusterTest {

    private static final String MODEL = "test_fasternet";
    private static final int IMAGES = 48;

    @TempDir static Path tmp;

    private static Path weights;
    private static Path input;
    private static List<Path> images;

    @BeforeAll
    static void trainAndWriteImages() throws IOException {
        InMemoryDataset test =
                ((InMemoryDataset) FashionMnist.loadBundledSubset().test())
                        .balancedSubset(IMAGES / 10 + 1);
        weights = TinyFashionRun.train(tmp.resolve("run"), MODEL, test, 4, 16, 32);
        input = tmp.resolve("input");
        Files.createDirectories(input);
        images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            images.add(test.writePng(i, input.resolve(String.format("img_%03d.png", i))));
        }
        Files.write(
                input.resolve("broken.png"), Arrays.copyOf(Files.readAllBytes(images.get(0)), 40));
    }

    /** What one application saw. */
    private record Run(
            SparkPredictJob.Result result,
            List<Long> executorPids,
            String killed,
            int lostTasks,
            int removedExecutors,
            List<Row> rows) {}

    private static List<String> moduleOpenings() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens"))
                .collect(Collectors.toList());
    }

    @Test
    void aJobOnTwoWorkerJvmsCompletesAndSurvivesAnExecutorKilledMidJob() throws Exception {
        try (StandaloneCluster cluster =
                StandaloneCluster.start(tmp.resolve("cluster"), 2, "2g", moduleOpenings())) {
            Run plain = run(cluster, tmp.resolve("plain.parquet"), false);
            assertEquals(2, plain.executorPids().size(), "two executor JVMs");
            long self = ProcessHandle.current().pid();
            assertFalse(plain.executorPids().contains(self));
            Set<String> loaders = new HashSet<>();
            plain.result().modelLoads().forEach(l -> loaders.add(l.executor()));
            assertFalse(loaders.contains("driver"), loaders.toString());
            assertEquals(0, plain.lostTasks());
            check(plain, tmp.resolve("plain.parquet"));

            Run killed = run(cluster, tmp.resolve("killed.parquet"), true);
            assertTrue(killed.killed() != null, "an executor was killed");
            assertTrue(killed.lostTasks() >= 1, "the killed executor's task was lost");
            assertTrue(killed.removedExecutors() >= 1, "the driver saw the executor go");
            check(killed, tmp.resolve("killed.parquet"));
            assertEquals(plain.rows(), killed.rows());
        }
    }

    private static void check(Run run, Path out) throws IOException {
        assertEquals(IMAGES + 1, run.result().rows());
        assertEquals(1, run.result().errors());
        assertTrue(Files.isRegularFile(out.resolve("_SUCCESS")), "_SUCCESS in " + out);
        assertFalse(Files.exists(out.resolve("_temporary")), "_temporary in " + out);
        try (Stream<Path> siblings = Files.list(out.getParent())) {
            assertEquals(
                    List.of(),
                    siblings.filter(p -> p.getFileName().toString().contains(".tmp-"))
                            .collect(Collectors.toList()));
        }
        Map<String, Row> byFile = new HashMap<>();
        for (Row r : run.rows()) {
            String file = PartitionFunction.localPath(r.getString(0)).toString();
            assertNull(byFile.put(file, r), "one row per file: " + file);
        }
        assertEquals(IMAGES + 1, byFile.size());
        try (ClassPredictor predictor =
                ClassPredictor.builder().setModel(MODEL).optWeights(weights).optTopK(3).build()) {
            for (Path image : images) {
                Row r = byFile.get(image.toString());
                assertNull(r.get(r.fieldIndex(SparkImageModel.ERROR)), image.toString());
                Prediction p = predictor.predictFiles(List.of(image)).get(0);
                assertEquals(p.best().name(), r.getString(r.fieldIndex(SparkImageModel.CLASS)));
                assertEquals(
                        p.best().probability(),
                        r.getDouble(r.fieldIndex(SparkImageModel.PROBABILITY)),
                        image.toString());
            }
        }
    }

    private static Run run(StandaloneCluster cluster, Path out, boolean kill) throws Exception {
        SparkSession spark =
                SparkSession.builder()
                        .master(cluster.masterUrl())
                        .appName("fastvision cluster test")
                        .config("spark.driver.host", "127.0.0.1")
                        .config("spark.driver.bindAddress", "127.0.0.1")
                        .config("spark.ui.enabled", "false")
                        .config("spark.executor.memory", "768m")
                        .config("spark.executor.cores", "1")
                        .config("spark.cores.max", "2")
                        .config("spark.default.parallelism", "8")
                        .config("spark.executor.extraClassPath", cluster.executorClassPath())
                        .config(
                                "spark.executor.extraJavaOptions",
                                "-Dai.djl.offline=true"
                                        + " -Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                        .getOrCreate();
        AtomicBoolean done = new AtomicBoolean();
        String[] killedId = {null};
        AtomicInteger lost = new AtomicInteger();
        AtomicInteger removed = new AtomicInteger();
        try {
            long deadline = System.nanoTime() + 90_000_000_000L;
            // Two executors and the driver.
            while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3
                    || cluster.executors().size() < 2) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the executors did not register in 90 s; see the cluster logs");
                }
                Thread.sleep(200);
            }
            List<Long> pids =
                    cluster.executors().stream()
                            .map(ProcessHandle::pid)
                            .collect(Collectors.toList());
            spark.sparkContext()
                    .addSparkListener(
                            new SparkListener() {
                                @Override
                                public void onTaskStart(SparkListenerTaskStart start) {
                                    if (kill
                                            && start.taskInfo().index() == 1
                                            && start.taskInfo().attemptNumber() == 0
                                            && done.compareAndSet(false, true)) {
                                        String id = start.taskInfo().executorId();
                                        cluster.executor(id)
                                                .ifPresent(
                                                        h -> {
                                                            h.destroyForcibly();
                                                            killedId[0] = id;
                                                        });
                                    }
                                }

                                @Override
                                public void onTaskEnd(SparkListenerTaskEnd end) {
                                    if (end.reason() instanceof ExecutorLostFailure) {
                                        lost.incrementAndGet();
                                    }
                                }

                                @Override
                                public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
                                    removed.incrementAndGet();
                                }
                            });
            SparkPredictJob.Result result =
                    SparkPredictJob.builder()
                            .setInput(input.toString())
                            .setOutput(out.toString())
                            .setModel(
                                    SparkImageModel.builder()
                                            .setModel(MODEL)
                                            .optWeights(weights)
                                            .optTopK(3)
                                            .optBatchSize(1)
                                            .build())
                            .build()
                            .run(spark);
            List<Row> rows =
                    spark.read()
                            .parquet(out.toString())
                            .orderBy("path")
                            .select("path", "class", "probability", "top_k", "error")
                            .collectAsList();
            return new Run(result, pids, killedId[0], lost.get(), removed.get(), rows);
        } finally {
            spark.stop();
        }
    }
}
