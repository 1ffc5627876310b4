package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.inference.ClassPredictor;
import io.github.fastvision.models.inference.ClassScore;
import io.github.fastvision.models.inference.Prediction;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.training.data.BatchLoader;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.Datasets;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.InMemoryDataset;
import io.github.fastvision.training.data.TrainingBatch;
import io.github.fastvision.training.data.transform.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No train/serve skew on an image folder: bundled Fashion-MNIST images written as PNG class
 * folders, a model trained on them with {@code train}, then the test files scored by {@code
 * evaluate} (the folder loaded by training's dataset code) and by {@code predict} (the files
 * decoded and preprocessed by inference's code under the preprocessing the weights record). Both
 * give the same accuracy, and the same inputs and logits image by image.
 */
class ImageFolderTrainServeTest {

    private static final String MODEL = "test_fasternet";
    private static final int IMAGE_SIZE = 32;
    private static final int CLASSES = FashionMnist.CLASSES.size();

    @TempDir static Path tmp;

    private static Path data;
    private static Path run;

    /** The test split's files, in the order the dataset lists them (class folders, then names). */
    private static final List<Path> testFiles = new ArrayList<>();

    private static final List<Integer> testLabels = new ArrayList<>();

    @BeforeAll
    static void writeFolderAndTrain() throws IOException {
        DatasetSplit bundled = FashionMnist.loadBundledSubset();
        data = tmp.resolve("fashion");
        write(((InMemoryDataset) bundled.train()).balancedSubset(12), data.resolve("train"), null);
        write(
                ((InMemoryDataset) bundled.test()).balancedSubset(6),
                data.resolve("test"),
                testFiles);
        for (Path f : testFiles) {
            testLabels.add(Integer.parseInt(f.getParent().getFileName().toString(), 0, 1, 10));
        }
        run = tmp.resolve("run");
        CliRun t =
                CliRun.of(
                        "train",
                        "--model",
                        MODEL,
                        "--dataset",
                        data.toString(),
                        "--channels",
                        "1",
                        "--image-size",
                        Integer.toString(IMAGE_SIZE),
                        "--epochs",
                        "3",
                        "--batch",
                        "8",
                        "--out",
                        run.toString(),
                        "--json");
        assertEquals(0, t.code(), t.err());
    }

    /**
     * Writes a dataset's images as 28 × 28 grayscale PNGs, one folder per class named {@code
     * <label>_<name>} so that the sorted folder order is the label order.
     */
    private static void write(InMemoryDataset images, Path root, List<Path> files)
            throws IOException {
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            int label = images.label(i);
            Path dir =
                    root.resolve(label + "_" + FashionMnist.CLASSES.get(label).replace('/', '-'));
            Files.createDirectories(dir);
            written.add(images.writePng(i, dir.resolve(String.format("img_%04d.png", i))));
        }
        if (files != null) {
            written.sort(null);
            files.addAll(written);
        }
    }

    @Test
    void evaluateAndPredictAgreeOnAccuracyInputsAndLogits() throws IOException {
        CliRun e =
                CliRun.of(
                        "evaluate",
                        "--weights",
                        run.toString(),
                        "--dataset",
                        data.toString(),
                        "--channels",
                        "1",
                        "--image-size",
                        Integer.toString(IMAGE_SIZE),
                        "--json");
        assertEquals(0, e.code(), e.err());
        JsonObject ev = JsonParser.parseString(e.out()).getAsJsonObject();
        assertEquals(testFiles.size(), ev.get("images").getAsInt());

        List<String> args =
                new ArrayList<>(
                        List.of(
                                "predict",
                                "--model",
                                MODEL,
                                "--weights",
                                run.toString(),
                                "--top",
                                Integer.toString(CLASSES),
                                "--json"));
        testFiles.forEach(f -> args.add(f.toString()));
        CliRun p = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, p.code(), p.err());
        JsonArray predictions =
                JsonParser.parseString(p.out()).getAsJsonObject().getAsJsonArray("predictions");
        assertEquals(testFiles.size(), predictions.size());
        int correct = 0;
        for (int i = 0; i < testFiles.size(); i++) {
            JsonObject row = predictions.get(i).getAsJsonObject();
            assertEquals(testFiles.get(i).toString(), row.get("file").getAsString());
            String top =
                    row.getAsJsonArray("top").get(0).getAsJsonObject().get("class").getAsString();
            // Class names are the folder names training recorded; their first digit is the label.
            correct += top.charAt(0) - '0' == testLabels.get(i) ? 1 : 0;
        }
        double predictAccuracy = (double) correct / testFiles.size();
        assertEquals(ev.get("accuracy").getAsDouble(), predictAccuracy, 1e-12);
        // Twice chance, so agreeing means agreeing on a model that discriminates.
        assertTrue(predictAccuracy > 0.2, "accuracy " + predictAccuracy);
    }

    @Test
    void evaluationBatchesArePredictsInputsAndGiveItsLogits() throws IOException {
        DatasetSplit split = Datasets.open(data.toString(), 1, Datasets.storeSize(IMAGE_SIZE));
        assertEquals(testFiles.size(), split.test().size());
        int per = IMAGE_SIZE * IMAGE_SIZE;
        float[] evaluation;
        try (BatchLoader loader =
                BatchLoader.builder()
                        .setData(split.test())
                        .setTransform(Pipeline.evaluation(IMAGE_SIZE, 1), IMAGE_SIZE)
                        .setBatchSize(testFiles.size())
                        .build()) {
            Iterator<TrainingBatch> it = loader.epoch(0);
            evaluation = it.next().images();
        }
        Path weights = run.resolve(MODEL + WeightsFile.EXTENSION);
        float[] predicted = new float[testFiles.size() * per];
        float[][] probabilities = new float[testFiles.size()][CLASSES];
        try (ClassPredictor predictor =
                ClassPredictor.builder()
                        .setModel(MODEL)
                        .optWeights(weights)
                        .optTopK(CLASSES)
                        .build()) {
            assertEquals(IMAGE_SIZE, predictor.preprocessor().size());
            for (int i = 0; i < testFiles.size(); i++) {
                predictor
                        .preprocessor()
                        .apply(predictor.decoder().decode(testFiles.get(i)), predicted, i * per);
            }
            List<Prediction> ps = predictor.predictFiles(testFiles);
            for (int i = 0; i < ps.size(); i++) {
                for (ClassScore s : ps.get(i).top()) {
                    probabilities[i][s.index()] = (float) s.probability();
                }
            }
        }
        assertArrayEquals(predicted, evaluation, 0f, "predict's inputs are evaluation's");

        float[] evalLogits = logits(weights, evaluation);
        float[] predictLogits = logits(weights, predicted);
        assertArrayEquals(evalLogits, predictLogits, 1e-5f);
        for (int i = 0; i < testFiles.size(); i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < CLASSES; k++) {
                max = Math.max(max, evalLogits[i * CLASSES + k]);
            }
            double sum = 0;
            for (int k = 0; k < CLASSES; k++) {
                sum += Math.exp(evalLogits[i * CLASSES + k] - max);
            }
            for (int k = 0; k < CLASSES; k++) {
                double p = Math.exp(evalLogits[i * CLASSES + k] - max) / sum;
                assertEquals(p, probabilities[i][k], 1e-5, testFiles.get(i) + " class " + k);
            }
        }
    }

    /** The trained model's logits for a batch, as {@code evaluate} computes them. */
    private static float[] logits(Path weights, float[] images) throws IOException {
        WeightsFile.Header header = WeightsFile.header(weights);
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionModel model = ModelRegistry.create(header.model(), header.options(IMAGE_SIZE));
            WeightsFile.load(model, manager, weights);
            int n = images.length / (IMAGE_SIZE * IMAGE_SIZE);
            NDList in = new NDList(manager.create(images, new Shape(n, 1, IMAGE_SIZE, IMAGE_SIZE)));
            return model.forward(new ParameterStore(manager, false), in, false)
                    .singletonOrThrow()
                    .toFloatArray();
        }
    }
}
