package io.github.fastvision.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.models.inference.ClassPredictor;
import io.github.fastvision.models.inference.ClassScore;
import io.github.fastvision.models.inference.Embedder;
import io.github.fastvision.models.inference.ImageDecoder;
import io.github.fastvision.models.inference.Prediction;
import io.github.fastvision.models.inference.TopK;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.InMemoryDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ML stages on real files: Fashion-MNIST test images as grayscale PNGs and a few RGB PNGs of
 * random colours, a corrupt PNG and a text file, read through Spark's {@code image} source, {@code
 * binaryFile} and a path column. Outputs equal the library run on the same files ({@link
 * ModelRuntime} on {@link ImageDecoder}'s pixels, {@link ClassPredictor}, {@link Embedder}) at
 * batch one, exactly; bad files become error rows; a featurizer + {@code LogisticRegression}
 * pipeline saves, loads and predicts the same; bad parameters fail before any task, naming the
 * parameter.
 */
class FastVisionStagesTest {

    private static final String MODEL = "test_fasternet";

    @TempDir static Path tmp;

    private static Path weights;
    private static Path dir;
    private static List<Path> images;
    private static Map<Path, Integer> labels;
    private static SparkSession spark;

    @BeforeAll
    static void trainWriteImagesAndStartSpark() throws IOException {
        InMemoryDataset test =
                ((InMemoryDataset) FashionMnist.loadBundledSubset().test()).balancedSubset(2);
        weights = TinyFashionRun.train(tmp.resolve("run"), MODEL, test, 4, 16, 32);
        dir = tmp.resolve("images");
        Files.createDirectories(dir);
        images = new ArrayList<>();
        labels = new HashMap<>();
        for (int i = 0; i < test.size(); i++) {
            Path file = test.writePng(i, dir.resolve(String.format("gray_%02d.png", i)));
            images.add(file);
            labels.put(file, test.label(i));
        }
        // Colour images check the image source's BGR order against the file decoder's RGB.
        Random random = new Random(3);
        for (int i = 0; i < 3; i++) {
            BufferedImage png = new BufferedImage(30, 26, BufferedImage.TYPE_3BYTE_BGR);
            for (int y = 0; y < 26; y++) {
                for (int x = 0; x < 30; x++) {
                    png.setRGB(x, y, random.nextInt(1 << 24));
                }
            }
            Path file = dir.resolve(String.format("rgb_%02d.png", i));
            ImageIO.write(png, "png", file.toFile());
            images.add(file);
        }
        byte[] head = Files.readAllBytes(images.get(0));
        Files.write(dir.resolve("broken.png"), Arrays.copyOf(head, 40));
        Files.writeString(dir.resolve("notes.txt"), "not an image", StandardCharsets.UTF_8);
        spark = SparkImageModelTest.session(2);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
        SparkImageModel.closeCachedModels();
    }

    private static String file(String uri) {
        return PartitionFunction.localPath(uri).toString();
    }

    private static FastVisionImageClassifier classifier() {
        return new FastVisionImageClassifier()
                .setModel(MODEL)
                .setWeights(weights.toString())
                .setBatchSize(1)
                .setTopK(3);
    }

    private static FastVisionImageFeaturizer featurizer() {
        return new FastVisionImageFeaturizer()
                .setModel(MODEL)
                .setWeights(weights.toString())
                .setBatchSize(1);
    }

    @Test
    void classifierOnTheImageSourceEqualsTheLibraryAndBadFilesAreErrorRows() throws IOException {
        Dataset<Row> df =
                spark.read().format("image").option("dropInvalid", false).load(dir.toString());
        List<Row> rows = classifier().transform(df).collectAsList();
        assertEquals(images.size() + 2, rows.size());
        Map<String, Row> byFile = new HashMap<>();
        for (Row r : rows) {
            byFile.put(file(r.getStruct(r.fieldIndex("image")).getString(0)), r);
        }
        for (String bad : List.of("broken.png", "notes.txt")) {
            Row r = byFile.get(dir.resolve(bad).toString());
            assertTrue(r.getString(r.fieldIndex("error")).contains(bad), r.toString());
            assertTrue(r.isNullAt(r.fieldIndex("probability")));
            assertTrue(r.isNullAt(r.fieldIndex("predictedLabel")));
        }
        try (ModelRuntime runtime =
                        ModelRuntime.builder().setModel(MODEL).optWeights(weights).build();
                ClassPredictor predictor =
                        ClassPredictor.builder()
                                .setModel(MODEL)
                                .optWeights(weights)
                                .optTopK(3)
                                .build()) {
            ImageDecoder decoder = ImageDecoder.standard();
            for (Path image : images) {
                Row r = byFile.get(image.toString());
                assertNull(r.get(r.fieldIndex("error")), image.toString());
                float[] expected =
                        runtime.run(List.of(decoder.decode(image, runtime.preprocessor().size())))[
                                0];
                TopK.softmax(expected);
                Vector probability = (Vector) r.get(r.fieldIndex("probability"));
                assertEquals(expected.length, probability.size());
                for (int k = 0; k < expected.length; k++) {
                    assertEquals(expected[k], probability.apply(k), 0.0, image + " class " + k);
                }
                Prediction p = predictor.predictFiles(List.of(image)).get(0);
                assertEquals(p.best().name(), r.getString(r.fieldIndex("predictedLabel")));
                assertEquals(p.best().index(), r.getDouble(r.fieldIndex("prediction")));
                List<Row> top = r.getList(r.fieldIndex("topK"));
                assertEquals(3, top.size());
                for (int k = 0; k < top.size(); k++) {
                    ClassScore s = p.top().get(k);
                    assertEquals(s.name(), top.get(k).getString(0));
                    assertEquals(s.probability(), top.get(k).getDouble(1));
                }
            }
        }
    }

    @Test
    void featurizerGivesTheEmbedVectorsFromBinaryFilePathAndImageInputs() throws IOException {
        Dataset<Row> files =
                spark.read()
                        .format("binaryFile")
                        .option("pathGlobFilter", "*.png")
                        .load(dir.toString());
        Map<String, Vector> fromBytes = vectors(featurizer().setInputCol("content"), files, "path");
        Dataset<Row> paths =
                spark.createDataset(
                                images.stream().map(Path::toString).collect(Collectors.toList()),
                                Encoders.STRING())
                        .toDF("file");
        Map<String, Vector> fromPaths = vectors(featurizer().setInputCol("file"), paths, "file");
        Dataset<Row> decoded =
                spark.read()
                        .format("image")
                        .load(dir.toString())
                        .withColumn("origin", functions.col("image.origin"));
        Map<String, Vector> fromStruct = vectors(featurizer(), decoded, "origin");
        try (Embedder embedder = Embedder.builder().setModel(MODEL).optWeights(weights).build()) {
            for (Path image : images) {
                float[] expected = embedder.embedFiles(List.of(image))[0];
                for (Map<String, Vector> m : List.of(fromBytes, fromPaths, fromStruct)) {
                    Vector v = m.get(image.toString());
                    assertNotNull(v, image.toString());
                    double[] e = new double[expected.length];
                    for (int k = 0; k < e.length; k++) {
                        e[k] = expected[k];
                    }
                    assertArrayEquals(e, v.toArray(), 0.0, image.toString());
                }
            }
        }
        // broken.png is the one bad row of the binaryFile input.
        Row broken =
                featurizer()
                        .setInputCol("content")
                        .transform(files)
                        .filter(functions.col("error").isNotNull())
                        .collectAsList()
                        .get(0);
        assertTrue(broken.getString(broken.fieldIndex("error")).contains("broken.png"));
    }

    private static Map<String, Vector> vectors(
            FastVisionImageFeaturizer stage, Dataset<Row> df, String nameColumn) {
        Map<String, Vector> out = new HashMap<>();
        for (Row r : stage.transform(df).collectAsList()) {
            if (r.isNullAt(r.fieldIndex("error"))) {
                out.put(
                        file(r.getString(r.fieldIndex(nameColumn))),
                        (Vector) r.get(r.fieldIndex("features")));
            }
        }
        return out;
    }

    @Test
    void aFeaturizerAndLogisticRegressionPipelineSavesAndLoads() throws IOException {
        List<Row> labelled = new ArrayList<>();
        for (Map.Entry<Path, Integer> e : labels.entrySet()) {
            labelled.add(
                    org.apache.spark.sql.RowFactory.create(
                            e.getKey().toString(), (double) e.getValue()));
        }
        Dataset<Row> df =
                spark.createDataFrame(
                        labelled,
                        new org.apache.spark.sql.types.StructType()
                                .add("path", "string")
                                .add("label", "double"));
        Pipeline pipeline =
                new Pipeline()
                        .setStages(
                                new PipelineStage[] {
                                    featurizer().setInputCol("path").setBatchSize(4),
                                    new SQLTransformer()
                                            .setStatement(
                                                    "SELECT * FROM __THIS__ WHERE error IS NULL"),
                                    new LogisticRegression().setMaxIter(20)
                                });
        PipelineModel fitted = pipeline.fit(df);
        Path saved = tmp.resolve("pipeline");
        fitted.write().overwrite().save(saved.toString());
        PipelineModel loaded = PipelineModel.load(saved.toString());
        FastVisionImageFeaturizer stage = (FastVisionImageFeaturizer) loaded.stages()[0];
        assertEquals(weights.toString(), stage.getOrDefault(stage.weights()));
        assertEquals(4, stage.getOrDefault(stage.batchSize()));
        assertEquals("path", stage.getOrDefault(stage.inputCol()));
        List<Row> before =
                fitted.transform(df)
                        .orderBy("path")
                        .select("path", "prediction", "probability")
                        .collectAsList();
        List<Row> after =
                loaded.transform(df)
                        .orderBy("path")
                        .select("path", "prediction", "probability")
                        .collectAsList();
        assertEquals(labels.size(), before.size());
        assertEquals(before, after);
    }

    @Test
    void badParametersFailBeforeAnyTaskNamingTheParameter() throws IOException {
        Dataset<Row> ints = spark.range(3).toDF("image");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> classifier().transform(ints));
        assertTrue(e.getMessage().startsWith("inputCol: column image is bigint"), e.getMessage());
        Dataset<Row> paths = spark.createDataset(List.of("a.png"), Encoders.STRING()).toDF("image");
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new FastVisionImageFeaturizer().transformSchema(paths.schema()));
        assertTrue(e.getMessage().startsWith("model is not set"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                featurizer()
                                        .setModel("no_such_model")
                                        .transformSchema(paths.schema()));
        assertTrue(e.getMessage().startsWith("model: "), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> featurizer().setEngine("TensorFlow").transformSchema(paths.schema()));
        assertTrue(e.getMessage().startsWith("engine: "), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> featurizer().setPrecision("int4").transformSchema(paths.schema()));
        assertTrue(e.getMessage().startsWith("precision must be"), e.getMessage());
        Path truncated = tmp.resolve("truncated.fvw");
        Files.write(
                truncated, Arrays.copyOf(Files.readAllBytes(weights.resolve(MODEL + ".fvw")), 6));
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                featurizer()
                                        .setWeights(truncated.toString())
                                        .transformSchema(paths.schema()));
        assertTrue(e.getMessage().startsWith("weights: " + truncated), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> classifier().setTopK(11).transformSchema(paths.schema()));
        assertTrue(e.getMessage().startsWith("topK is 11"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> featurizer().setBatchSize(0));
        // A path only the executors would see: the first task names the weights.
        String missing = tmp.resolve("elsewhere/model.fvw").toString();
        Dataset<Row> out = featurizer().setWeights(missing).transform(paths);
        SparkException failed = assertThrows(SparkException.class, out::collectAsList);
        assertTrue(
                failed.getMessage().contains("weights: cannot load model " + MODEL),
                failed.getMessage());
    }
}
