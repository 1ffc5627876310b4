package io.github.fastvision.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.models.inference.ClassPredictor;
import io.github.fastvision.models.inference.ClassScore;
import io.github.fastvision.models.inference.Embedder;
import io.github.fastvision.models.inference.Prediction;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.InMemoryDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark pipeline on real images: Fashion-MNIST test images (Debian's full set when installed,
 * else the bundled subset) written as grayscale PNGs, beside a corrupt PNG and a text file,
 * classified in {@code local[2]} by a model trained here for a few steps. Predictions and
 * embeddings equal the library pipeline's ({@link ClassPredictor}, {@link Embedder}, what {@code
 * predict} and {@code embed} run) on the same files, exactly; the bad files become error rows.
 */
class SparkImageModelTest {

    private static final String MODEL = "test_fasternet";
    private static final int IMAGE_SIZE = 32;

    /**
     * The forward pass's float rounding can depend on the batch size (libtorch picks its kernels by
     * it): a batch of 16 against one of 200 differed in the last float bit. Exact equality
     * therefore compares equal batch sizes: batches of one here, one batch of a known order in the
     * embedding test.
     */
    private static final int BATCH = 1;

    private static final int PARTITIONS = 24;
    private static final int WARM_PARTITIONS = 4;
    private static final long GROWTH_LIMIT_BYTES = 64L << 20;

    @TempDir static Path tmp;

    private static Path weights;
    private static Path pngs;
    private static List<Path> images;
    private static SparkSession spark;

    @BeforeAll
    static void trainWriteImagesAndStartSpark() throws IOException {
        DatasetSplit source =
                FashionMnist.isInstalled()
                        ? FashionMnist.load(FashionMnist.DEBIAN_DIR)
                        : FashionMnist.loadBundledSubset();
        InMemoryDataset test = ((InMemoryDataset) source.test()).balancedSubset(20);
        weights = TinyFashionRun.train(tmp.resolve("run"), MODEL, test, 10, 32, IMAGE_SIZE);
        pngs = tmp.resolve("pngs");
        Files.createDirectories(pngs.resolve("sub"));
        images = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            // Half in a sub-directory: the job walks the input recursively.
            Path dir = i % 2 == 0 ? pngs : pngs.resolve("sub");
            images.add(test.writePng(i, dir.resolve(String.format("img_%03d.png", i))));
        }
        byte[] head = Files.readAllBytes(images.get(0));
        Files.write(pngs.resolve("broken.png"), java.util.Arrays.copyOf(head, 40));
        Files.writeString(pngs.resolve("notes.txt"), "not an image", StandardCharsets.UTF_8);
        spark = session(2);
    }

    static SparkSession session(int threads) {
        return SparkSession.builder()
                .master("local[" + threads + "]")
                .appName("fastvision-test")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        SparkImageModel.closeCachedModels();
    }

    private static SparkImageModel.Builder model() {
        return SparkImageModel.builder()
                .setModel(MODEL)
                .optWeights(weights)
                .optTopK(3)
                .optBatchSize(BATCH);
    }

    private static String file(String uri) {
        return PartitionFunction.localPath(uri).toString();
    }

    @Test
    void jobPredictionsEqualThePredictPipelineAndBadFilesBecomeErrorRows() throws IOException {
        SparkImageModel.closeCachedModels();
        Path out = tmp.resolve("predictions.parquet");
        SparkPredictJob.Result result =
                SparkPredictJob.builder()
                        .setInput(pngs.toString())
                        .setOutput(out.toString())
                        .setModel(model().build())
                        .build()
                        .run(spark);
        assertEquals(images.size() + 2, result.rows());
        assertEquals(2, result.errors());
        assertEquals(1, result.modelLoads().size(), result.modelLoads().toString());
        assertTrue(result.modelLoads().get(0).seconds() > 0);
        assertFalse(result.partitionMemory().isEmpty());
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(
                    List.of(),
                    siblings.filter(p -> p.getFileName().toString().contains(".tmp-"))
                            .collect(Collectors.toList()),
                    "the temporary output directory is renamed away");
        }

        Map<String, Row> byFile = new HashMap<>();
        for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
            byFile.put(file(r.getString(r.fieldIndex("path"))), r);
        }
        Row broken = byFile.get(pngs.resolve("broken.png").toString());
        Row text = byFile.get(pngs.resolve("notes.txt").toString());
        for (Row bad : List.of(broken, text)) {
            assertNotNull(bad.getString(bad.fieldIndex(SparkImageModel.ERROR)));
            assertTrue(bad.isNullAt(bad.fieldIndex(SparkImageModel.CLASS)));
            assertTrue(bad.isNullAt(bad.fieldIndex(SparkImageModel.TOP_K)));
        }

        try (ClassPredictor predictor =
                ClassPredictor.builder().setModel(MODEL).optWeights(weights).optTopK(3).build()) {
            for (Path image : images) {
                Row r = byFile.get(image.toString());
                assertNull(r.get(r.fieldIndex(SparkImageModel.ERROR)), image.toString());
                Prediction p = predictor.predictFiles(List.of(image)).get(0);
                assertEquals(p.best().name(), r.getString(r.fieldIndex(SparkImageModel.CLASS)));
                assertEquals(
                        p.best().probability(),
                        r.getDouble(r.fieldIndex(SparkImageModel.PROBABILITY)));
                List<Row> top = r.getList(r.fieldIndex(SparkImageModel.TOP_K));
                assertEquals(p.top().size(), top.size());
                for (int k = 0; k < top.size(); k++) {
                    ClassScore s = p.top().get(k);
                    assertEquals(s.name(), top.get(k).getString(0));
                    assertEquals(s.probability(), top.get(k).getDouble(1));
                }
            }
        }
    }

    @Test
    void embeddingsOfAPathColumnEqualTheEmbedPipeline() throws IOException {
        List<Path> some = images.subList(0, 40);
        Dataset<Row> paths =
                spark.createDataset(
                                some.stream().map(Path::toString).collect(Collectors.toList()),
                                Encoders.STRING())
                        .toDF("path")
                        // One partition, one batch, in list order: the reference's batch.
                        .coalesce(1);
        List<Row> rows =
                model().optContentColumn(null)
                        .optBatchSize(some.size())
                        .optWeightsShipping(WeightsShipping.PATH)
                        .build()
                        .embed(paths)
                        .collectAsList();
        assertEquals(some.size(), rows.size());
        try (Embedder embedder = Embedder.builder().setModel(MODEL).optWeights(weights).build()) {
            float[][] expected = embedder.embedFiles(some);
            for (Row r : rows) {
                int i = some.indexOf(Path.of(r.getString(0)));
                assertNull(r.get(r.fieldIndex(SparkImageModel.ERROR)));
                List<Float> e = r.getList(r.fieldIndex(SparkImageModel.EMBEDDING));
                float[] actual = new float[e.size()];
                for (int k = 0; k < actual.length; k++) {
                    actual[k] = e.get(k);
                }
                assertArrayEquals(expected[i], actual, r.getString(0));
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"PyTorch", "OnnxRuntime"})
    void residentMemoryDoesNotGrowOverManyPartitions(String engine) throws IOException {
        Dataset<Row> paths =
                spark.createDataset(
                                images.stream().map(Path::toString).collect(Collectors.toList()),
                                Encoders.STRING())
                        .toDF("path")
                        .repartition(PARTITIONS);
        SparkImageModel m =
                model().optContentColumn(null)
                        .optBatchSize(2)
                        .optEngine(io.github.fastvision.models.InferenceEngine.parse(engine))
                        .build();
        assertEquals(images.size(), m.predict(paths).collectAsList().size());
        assertEquals(engine, m.modelLoads().get(0).engine());
        List<PartitionMemory> memory = m.partitionMemory();
        assertEquals(PARTITIONS, memory.size());
        // After a few partitions' warm-up (JIT, first-touch of libtorch's buffers).
        long first = memory.get(WARM_PARTITIONS).residentBytes();
        long last = memory.get(memory.size() - 1).residentBytes();
        assertTrue(first > 0, "VmRSS is read from /proc/self/status");
        assertTrue(
                last - first < GROWTH_LIMIT_BYTES,
                engine
                        + ": RSS grew by "
                        + ((last - first) >> 20)
                        + " MiB from partition "
                        + WARM_PARTITIONS
                        + " to "
                        + PARTITIONS);
    }

    @Test
    void aFailedJobLeavesNoOutput() throws IOException {
        SparkImageModel.closeCachedModels();
        // The weights vanish after the driver's check: every executor's load fails.
        Path gone = tmp.resolve("gone.fvw");
        Files.copy(weights.resolve(MODEL + ".fvw"), gone);
        SparkImageModel m =
                model().optWeights(gone).optWeightsShipping(WeightsShipping.PATH).build();
        Files.delete(gone);
        Path out = tmp.resolve("failed.parquet");
        SparkPredictJob job =
                SparkPredictJob.builder()
                        .setInput(pngs.toString())
                        .setOutput(out.toString())
                        .setModel(m)
                        .build();
        assertThrows(Exception.class, () -> job.run(spark));
        assertFalse(Files.exists(out));
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(
                    List.of(),
                    siblings.filter(p -> p.getFileName().toString().startsWith(".failed"))
                            .collect(Collectors.toList()));
        }
        IllegalArgumentException exists =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                SparkPredictJob.builder()
                                        .setInput(pngs.toString())
                                        .setOutput(pngs.toString())
                                        .setModel(model().build())
                                        .build()
                                        .run(spark));
        assertTrue(exists.getMessage().contains("exists"), exists.getMessage());
    }

    @Test
    void everyBadFileIsOneErrorRowAndLinkedDirectoriesAreNotFollowed() throws Exception {
        Path dir = tmp.resolve("hostile");
        Files.createDirectories(dir.resolve("sub"));
        Files.copy(images.get(0), dir.resolve("good.png"));
        Files.copy(images.get(1), dir.resolve("sub").resolve("good.png"));
        Files.createSymbolicLink(dir.resolve("mem.png"), Path.of("/proc/self/mem"));
        Files.createSymbolicLink(dir.resolve("dangling.png"), dir.resolve("missing.png"));
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("fifo.png").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        Files.createFile(dir.resolve("empty.png"));
        ImageIO.write(
                new BufferedImage(1, 600_000, BufferedImage.TYPE_BYTE_GRAY),
                "png",
                dir.resolve("tall.png").toFile());
        // Loops: the job must list each file once, not recurse through them.
        Files.createSymbolicLink(dir.resolve("self"), Path.of("."));
        Files.createSymbolicLink(dir.resolve("sub").resolve("up"), Path.of(".."));
        Path huge = dir.resolve("huge.png");
        try {
            // Sparse: 3 GB on paper, no blocks on disk; over Spark's binaryFile limit too.
            try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
                f.setLength(3L << 30);
            }
            Path out = tmp.resolve("hostile.parquet");
            SparkPredictJob.Result result =
                    SparkPredictJob.builder()
                            .setInput(dir.toString())
                            .setOutput(out.toString())
                            .setModel(model().build())
                            .build()
                            .run(spark);
            Map<String, Row> byFile = new HashMap<>();
            for (Row r : spark.read().parquet(out.toString()).collectAsList()) {
                Row previous = byFile.put(file(r.getString(r.fieldIndex("path"))), r);
                assertNull(previous, "listed twice: " + r);
            }
            assertEquals(8, result.rows(), byFile.keySet().toString());
            assertEquals(6, result.errors());
            for (String good : List.of("good.png", "sub/good.png")) {
                Row r = byFile.get(dir.resolve(good).toString());
                assertNull(r.get(r.fieldIndex(SparkImageModel.ERROR)), good);
                assertNotNull(r.getString(r.fieldIndex(SparkImageModel.CLASS)));
            }
            Map<String, String> expected =
                    Map.of(
                            "mem.png", "cannot read",
                            "dangling.png", "dangling",
                            "fifo.png", "not a regular file",
                            "empty.png", "is empty",
                            "tall.png", "aspect ratio",
                            "huge.png", "at most " + SparkImageModel.DEFAULT_MAX_FILE_BYTES);
            expected.forEach(
                    (name, reason) -> {
                        Row r = byFile.get(dir.resolve(name).toString());
                        assertNotNull(r, name + " has a row");
                        String error = r.getString(r.fieldIndex(SparkImageModel.ERROR));
                        assertNotNull(error, name);
                        assertTrue(error.contains(name), error);
                        assertTrue(error.contains(reason), error);
                        assertTrue(r.isNullAt(r.fieldIndex(SparkImageModel.CLASS)));
                    });
        } finally {
            Files.deleteIfExists(huge);
        }
    }

    @Test
    void staleTemporariesOfTheOutputAreRemovedAndOthersKept() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("stale"));
        String uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        Path stale = Files.createDirectories(dir.resolve(".out.parquet.tmp-" + uuid));
        Files.writeString(stale.resolve("part-0.parquet"), "partial");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(0));
        // Modified after this JVM started: a job of this JVM may still be writing it.
        Path fresh =
                Files.createDirectories(dir.resolve(".out.parquet.tmp-" + uuid.replace('0', '1')));
        Path otherOutput = Files.createDirectories(dir.resolve(".other.parquet.tmp-" + uuid));
        Files.setLastModifiedTime(otherOutput, FileTime.fromMillis(0));
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(dir.toUri() + "out.parquet");
        FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
        assertEquals(1, SparkPredictJob.removeStaleTemporaries(fs, out));
        assertFalse(Files.exists(stale));
        assertTrue(Files.exists(fresh));
        assertTrue(Files.exists(otherOutput));
    }

    @Test
    void partitionsHoldConsecutiveFilesAtMostThirtyTwoAndSpreadSmallInputs() {
        List<String> files = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            files.add("f" + i);
        }
        List<List<String>> big = SparkPredictJob.chunks(files, 2);
        assertEquals(List.of(32, 32, 6), big.stream().map(List::size).toList());
        assertEquals(files.subList(32, 64), big.get(1));
        assertEquals(
                List.of(3, 2),
                SparkPredictJob.chunks(files.subList(0, 5), 2).stream().map(List::size).toList());
        assertEquals(List.of(), SparkPredictJob.chunks(List.of(), 2));
    }

    @Test
    void builderNamesTheBadArgument() {
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> model().optBatchSize(0).build())
                        .getMessage()
                        .contains("batchSize"));
        assertTrue(
                assertThrows(IllegalArgumentException.class, () -> model().optTopK(0).build())
                        .getMessage()
                        .contains("topK"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> SparkImageModel.builder().build())
                        .getMessage()
                        .contains("model"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> SparkPredictJob.builder().setOutput("x").build())
                        .getMessage()
                        .contains("input"));
    }
}
