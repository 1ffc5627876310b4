package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.models.weights.Npy;
import io.github.fastvision.training.ClassifierEvaluator;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.data.BatchLoader;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.InMemoryDataset;
import io.github.fastvision.training.data.TrainingBatch;
import io.github.fastvision.training.data.transform.Pipeline;
import io.github.fastvision.training.loop.ZooTrainer;
import io.github.fastvision.training.recipe.Recipes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} and {@code embed} on real images: Fashion-MNIST test images (Debian's full set
 * when installed, else the bundled subset) written as grayscale PNGs and classified by a model
 * trained here for a few steps. The labels equal those of the evaluation path on the same images
 * ({@code evaluate}'s batches through {@code run}), and so does the accuracy.
 */
class PredictCommandTest {

    private static final String MODEL = "test_fasternet";
    private static final int IMAGE_SIZE = 32;

    @TempDir static Path tmp;

    private static Path run;
    private static Path pngs;
    private static InMemoryDataset images;

    @BeforeAll
    static void trainAndWriteImages() throws IOException {
        DatasetSplit bundled = FashionMnist.loadBundledSubset();
        DatasetSplit source =
                FashionMnist.isInstalled() ? FashionMnist.load(FashionMnist.DEBIAN_DIR) : bundled;
        images = ((InMemoryDataset) source.test()).balancedSubset(4);
        run = tmp.resolve("run");
        ZooTrainer.train(
                TrainConfig.builder()
                        .setModel(MODEL)
                        .setRecipe(Recipes.get(Recipes.SMALL))
                        .setEpochs(1)
                        .optMaxSteps(15)
                        .setBatch(32)
                        .setImageSize(IMAGE_SIZE)
                        .optSeed(7)
                        .optOut(run)
                        .build(),
                new DatasetSplit(bundled.train(), images),
                TrainingLoopListener.NONE);
        pngs = tmp.resolve("pngs");
        Files.createDirectories(pngs);
        for (int i = 0; i < images.size(); i++) {
            images.writePng(i, pngs.resolve(String.format("img_%03d.png", i)));
        }
    }

    /** The evaluation path's inputs for the same images: training's own resize and normalize. */
    private static float[] evaluationInputs() {
        float[] all = new float[images.size() * IMAGE_SIZE * IMAGE_SIZE];
        try (BatchLoader loader =
                BatchLoader.builder()
                        .setData(images)
                        .setTransform(Pipeline.evaluation(IMAGE_SIZE, 1), IMAGE_SIZE)
                        .setBatchSize(images.size())
                        .build()) {
            Iterator<TrainingBatch> it = loader.epoch(0);
            TrainingBatch b = it.next();
            System.arraycopy(b.images(), 0, all, 0, all.length);
        }
        return all;
    }

    private static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (v[from + k] > v[from + best]) {
                best = k;
            }
        }
        return best;
    }

    @Test
    void predictOnPngsMatchesRunOnTheEvaluationInputsAndEvaluatesAccuracy() throws IOException {
        CliRun p =
                CliRun.of(
                        "predict",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        pngs.toString(),
                        "--top",
                        "3",
                        "--batch",
                        "16",
                        "--json");
        assertEquals(0, p.code(), p.err());
        JsonObject doc = JsonParser.parseString(p.out()).getAsJsonObject();
        JsonArray predictions = doc.getAsJsonArray("predictions");
        assertEquals(images.size(), predictions.size());
        assertEquals(0, doc.getAsJsonArray("skipped").size());

        Path x = tmp.resolve("x.npy");
        Path y = tmp.resolve("y.npy");
        Npy.write(x, evaluationInputs(), new long[] {images.size(), 1, IMAGE_SIZE, IMAGE_SIZE});
        CliRun r =
                CliRun.of(
                        "run",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        "--input",
                        x.toString(),
                        "--output",
                        y.toString());
        assertEquals(0, r.code(), r.err());
        float[] logits;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = Npy.read(m, y);
            logits = a.softmax(1).toFloatArray();
        }
        int classes = FashionMnist.CLASSES.size();
        int correct = 0;
        for (int i = 0; i < images.size(); i++) {
            JsonObject row = predictions.get(i).getAsJsonObject();
            assertEquals(
                    pngs.resolve(String.format("img_%03d.png", i)).toString(),
                    row.get("file").getAsString());
            JsonObject best = row.getAsJsonArray("top").get(0).getAsJsonObject();
            int label = argmax(logits, i * classes, classes);
            // Class names come from the weights file: training recorded the dataset's.
            assertEquals(FashionMnist.CLASSES.get(label), best.get("class").getAsString(), "" + i);
            assertEquals(logits[i * classes + label], best.get("probability").getAsDouble(), 1e-3);
            correct += label == images.label(i) ? 1 : 0;
        }
        ClassifierEvaluator.Result e = ZooTrainer.evaluate(run, MODEL, images, IMAGE_SIZE);
        assertEquals(e.accuracy(), (double) correct / images.size(), 1e-9);
    }

    @Test
    void textOutputListsTopClassesPerFile() {
        CliRun p =
                CliRun.of(
                        "predict",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        pngs.resolve("img_000.png").toString(),
                        "--top",
                        "2");
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith(pngs.resolve("img_000.png") + ":"), p.out());
        assertTrue(p.out().contains("%)"), p.out());
        assertTrue(p.err().contains("images/s"), p.err());
    }

    @Test
    void badFilesInADirectoryAreSkippedAndCountedOrFailWithStrict() throws IOException {
        Path dir = tmp.resolve("mixed");
        Files.createDirectories(dir);
        Files.copy(pngs.resolve("img_000.png"), dir.resolve("a.png"));
        Files.copy(pngs.resolve("img_001.png"), dir.resolve("b.png"));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        byte[] full = Files.readAllBytes(pngs.resolve("img_002.png"));
        Files.write(dir.resolve("cut.png"), Arrays.copyOf(full, full.length / 2));
        String[] args = {"predict", "--model", MODEL, "--weights", run.toString(), dir.toString()};

        CliRun p = CliRun.of(concat(args, "--json"));
        assertEquals(0, p.code(), p.err());
        JsonObject doc = JsonParser.parseString(p.out()).getAsJsonObject();
        assertEquals(2, doc.getAsJsonArray("predictions").size());
        JsonArray skipped = doc.getAsJsonArray("skipped");
        assertEquals(2, skipped.size());
        assertEquals(
                dir.resolve("cut.png").toString(),
                skipped.get(0).getAsJsonObject().get("file").getAsString());
        assertTrue(
                skipped.get(0).getAsJsonObject().get("reason").getAsString().contains("truncated"));
        assertEquals(
                dir.resolve("notes.txt").toString(),
                skipped.get(1).getAsJsonObject().get("file").getAsString());
        assertTrue(p.err().contains("skipped 2 file(s)"), p.err());

        CliRun strict = CliRun.of(concat(args, "--strict"));
        assertEquals(2, strict.code(), strict.err());
        assertTrue(strict.err().contains(dir.resolve("cut.png").toString()), strict.err());
        assertEquals("", strict.out());

        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        CliRun none =
                CliRun.of(
                        "predict", "--model", MODEL, "--weights", run.toString(), empty.toString());
        assertEquals(2, none.code());
        assertTrue(none.err().contains(empty + " holds no files"), none.err());

        CliRun named =
                CliRun.of(
                        "predict",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        dir.resolve("notes.txt").toString());
        assertEquals(2, named.code());
        assertTrue(named.err().contains("notes.txt: not an image"), named.err());
    }

    @Test
    void labelsFileRenamesTheClasses() throws IOException {
        Path labels = tmp.resolve("labels.txt");
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            names.append("name").append(i).append('\n');
        }
        Files.writeString(labels, names);
        CliRun p =
                CliRun.of(
                        "predict",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        pngs.resolve("img_000.png").toString(),
                        "--labels",
                        labels.toString(),
                        "--json");
        assertEquals(0, p.code(), p.err());
        String name =
                JsonParser.parseString(p.out())
                        .getAsJsonObject()
                        .getAsJsonArray("predictions")
                        .get(0)
                        .getAsJsonObject()
                        .getAsJsonArray("top")
                        .get(0)
                        .getAsJsonObject()
                        .get("class")
                        .getAsString();
        assertTrue(name.startsWith("name"), name);
        Files.writeString(labels, "only\ntwo\n");
        CliRun wrong =
                CliRun.of(
                        "predict",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        pngs.resolve("img_000.png").toString(),
                        "--labels",
                        labels.toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("2 names for a classifier with 10 classes"), wrong.err());
    }

    @Test
    void embedWritesOneRowPerImageAndAnIndex() throws IOException {
        Path out = tmp.resolve("emb");
        CliRun e =
                CliRun.of(
                        "embed",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        pngs.toString(),
                        "--out",
                        out.toString(),
                        "--batch",
                        "8",
                        "--json");
        assertEquals(0, e.code(), e.err());
        JsonObject doc = JsonParser.parseString(e.out()).getAsJsonObject();
        int rows = doc.get("rows").getAsInt();
        int dim = doc.get("dimension").getAsInt();
        assertEquals(images.size(), rows);
        List<String> index = Files.readAllLines(out.resolve("index.txt"));
        assertEquals(rows, index.size());
        assertEquals(pngs.resolve("img_000.png").toString(), index.get(0));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = Npy.read(m, out.resolve("embeddings.npy"));
            assertArrayEquals(new long[] {rows, dim}, a.getShape().getShape());
            // Features of different images differ; a constant would mean the head was not cut.
            float[] v = a.toFloatArray();
            assertTrue(
                    !Arrays.equals(
                            Arrays.copyOfRange(v, 0, dim), Arrays.copyOfRange(v, dim, 2 * dim)));
        }
    }

    private static String[] concat(String[] a, String b) {
        String[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
