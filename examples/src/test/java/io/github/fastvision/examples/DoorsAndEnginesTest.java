package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.inference.ClassPredictor;
import io.github.fastvision.models.inference.Embedder;
import io.github.fastvision.models.inference.ImageDecoder;
import io.github.fastvision.models.inference.Prediction;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.models.weights.Npy;
import io.github.fastvision.models.zoo.RegistryModelLoader;
import io.github.fastvision.spark.SparkImageModel;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.InMemoryDataset;
import io.github.fastvision.training.loop.ZooTrainer;
import io.github.fastvision.training.recipe.Recipes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every door on every engine classifies real images as the PyTorch block tree does: fasternet_t0
 * (whose default engine is ONNX Runtime) trained here on Fashion-MNIST, its test images written as
 * PNG files, and each door's logits, features, top-1 and accuracy compared with the block tree's
 * eval-mode forward pass on the same preprocessed pixels (logits within 1e-4 of their largest
 * magnitude). An all-zero input, as a copy-instead-of-view fill once produced, fails every check.
 */
class DoorsAndEnginesTest {

    private static final String MODEL = "fasternet_t0";
    private static final int SIZE = 32;
    private static final double TOLERANCE = 1e-4;

    @TempDir static Path tmp;

    private static Path run;
    private static Path pngs;
    private static List<Path> files;
    private static int[] labels;
    private static float[][] refLogits;
    private static float[][] refFeatures;
    private static List<String> classNames;

    @BeforeAll
    static void trainWriteAndReference() throws IOException {
        DatasetSplit bundled = FashionMnist.loadBundledSubset();
        InMemoryDataset images = ((InMemoryDataset) bundled.test()).balancedSubset(3);
        run = tmp.resolve("run");
        ZooTrainer.train(
                TrainConfig.builder()
                        .setModel(MODEL)
                        .setRecipe(Recipes.get(Recipes.SMALL))
                        .setEpochs(1)
                        .optMaxSteps(40)
                        .setBatch(32)
                        .setImageSize(SIZE)
                        .optSeed(11)
                        .optOut(run)
                        .build(),
                new DatasetSplit(bundled.train(), images),
                TrainingLoopListener.NONE);
        pngs = tmp.resolve("pngs");
        Files.createDirectories(pngs);
        files = new ArrayList<>();
        labels = new int[images.size()];
        for (int i = 0; i < images.size(); i++) {
            files.add(images.writePng(i, pngs.resolve(String.format("img_%03d.png", i))));
            labels[i] = images.label(i);
        }
        reference();
    }

    /** The block tree in eval mode, outside every door: the independent reference. */
    private static void reference() throws IOException {
        Path weights = WeightsFile.resolve(run, MODEL);
        WeightsFile.Header header = WeightsFile.header(weights);
        classNames = header.classNames().orElseThrow();
        ImagePreprocessor pre =
                new ImagePreprocessor(
                        Preprocessing.fromJson(header.metadata().get(WeightsFile.PREPROCESSING)),
                        SIZE,
                        header.inChannels());
        int per = pre.floatsPerImage();
        float[] x = new float[files.size() * per];
        for (int i = 0; i < files.size(); i++) {
            pre.apply(ImageDecoder.standard().decode(files.get(i)), x, i * per);
        }
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            VisionModel model = ModelRegistry.create(MODEL, header.options(SIZE));
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            WeightsFile.load(model, m, weights);
            NDArray in = m.create(x, new Shape(files.size(), header.inChannels(), SIZE, SIZE));
            ParameterStore ps = new ParameterStore(m, false);
            refLogits = rows(model.forward(ps, new NDList(in), false).head());
            model.resetClassifier(0);
            refFeatures = rows(model.forward(ps, new NDList(in), false).head());
        }
        assertTrue(accuracy(argmax(refLogits)) > 0.3, "the model learned something");
    }

    private static float[][] rows(NDArray a) {
        int n = (int) a.getShape().get(0);
        int d = (int) a.getShape().get(1);
        float[] flat = a.toFloatArray();
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, out[i], 0, d);
        }
        return out;
    }

    private static int[] argmax(float[][] rows) {
        int[] best = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 1; k < rows[i].length; k++) {
                if (rows[i][k] > rows[i][best[i]]) {
                    best[i] = k;
                }
            }
        }
        return best;
    }

    private static double accuracy(int[] predicted) {
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        return (double) correct / predicted.length;
    }

    private static void assertClose(float[][] ref, float[][] got, String what) {
        assertEquals(ref.length, got.length, what + ": rows");
        double max = 0;
        double diff = 0;
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i].length, got[i].length, what + ": values per row");
            for (int k = 0; k < ref[i].length; k++) {
                max = Math.max(max, Math.abs(ref[i][k]));
                diff = Math.max(diff, Math.abs(ref[i][k] - got[i][k]));
            }
        }
        assertTrue(max > 0, what + ": the reference is all zero");
        assertTrue(diff <= TOLERANCE * max, what + ": max |diff| " + diff + " of max " + max);
    }

    private static float[][] softmax(float[][] logits) {
        float[][] p = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            p[i] = logits[i].clone();
            io.github.fastvision.models.inference.TopK.softmax(p[i]);
        }
        return p;
    }

    private static InferenceEngine engine(String name) {
        return name.equals("default") ? null : InferenceEngine.parse(name);
    }

    private static String expectedEngine(String name) {
        return name.equals("default") ? "OnnxRuntime" : InferenceEngine.parse(name).djlName();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "OnnxRuntime", "default"})
    void runtimeAndPredictorAndEmbedderMatchTheBlockTree(String name) throws IOException {
        List<DecodedImage> decoded = new ArrayList<>();
        for (Path f : files) {
            decoded.add(ImageDecoder.standard().decode(f));
        }
        try (ModelRuntime r =
                ModelRuntime.builder()
                        .setModel(MODEL)
                        .optWeights(run)
                        .optEngine(engine(name))
                        .build()) {
            assertEquals(expectedEngine(name), r.engine().djlName());
            assertEquals(SIZE, r.options().inputSize(), "the input size the weights record");
            float[][] logits = r.run(decoded);
            assertClose(refLogits, logits, name + " runtime logits");
            assertEquals(accuracy(argmax(refLogits)), accuracy(argmax(logits)), 0.0);
        }
        try (ClassPredictor p =
                ClassPredictor.builder()
                        .setModel(MODEL)
                        .optWeights(run)
                        .optEngine(engine(name))
                        .optTopK(1)
                        .build()) {
            List<Prediction> got = p.predictFiles(files);
            int[] ref = argmax(refLogits);
            float[][] refP = softmax(refLogits);
            for (int i = 0; i < files.size(); i++) {
                assertEquals(ref[i], got.get(i).best().index(), name + " predictor top-1 " + i);
                assertEquals(refP[i][ref[i]], got.get(i).best().probability(), 1e-4);
                assertEquals(classNames.get(ref[i]), got.get(i).best().name());
            }
        }
        try (Embedder e =
                Embedder.builder()
                        .setModel(MODEL)
                        .optWeights(run)
                        .optEngine(engine(name))
                        .build()) {
            assertClose(refFeatures, e.embedFiles(files), name + " embedder features");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "OnnxRuntime", "default"})
    void criteriaWithTheWeightsHeaderAloneMatchesTheBlockTree(String name) throws Exception {
        Criteria.Builder<Image, Classifications> b =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optArtifactId(MODEL)
                        .optArgument("weights", run.toString());
        if (!name.equals("default")) {
            b.optEngine(name);
        }
        float[][] refP = softmax(refLogits);
        try (ZooModel<Image, Classifications> model = b.build().loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            assertEquals(
                    expectedEngine(name), model.getProperty(RegistryModelLoader.ENGINE_PROPERTY));
            for (int i = 0; i < files.size(); i++) {
                Image image = ImageFactory.getInstance().fromFile(files.get(i));
                Classifications c = predictor.predict(image);
                assertEquals(classNames, c.getClassNames(), "class names from the weights");
                List<Double> p = c.getProbabilities();
                for (int k = 0; k < p.size(); k++) {
                    assertEquals(refP[i][k], p.get(k), 1e-4, name + " image " + i + " class " + k);
                }
                assertEquals(classNames.get(argmax(refLogits)[i]), c.best().getClassName());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "OnnxRuntime", "default"})
    void commandLineDoorsMatchTheBlockTree(String name) throws IOException {
        List<String> engineArgs = name.equals("default") ? List.of() : List.of("--engine", name);
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "predict",
                                "--model",
                                MODEL,
                                "--weights",
                                run.toString(),
                                pngs.toString(),
                                "--top",
                                "1",
                                "--json"));
        args.addAll(engineArgs);
        CliRun p = CliRun.of(args.toArray(new String[0]));
        assertEquals(0, p.code(), p.err());
        JsonObject doc = JsonParser.parseString(p.out()).getAsJsonObject();
        assertEquals(expectedEngine(name), doc.get("engine").getAsString());
        assertEquals("fp32", doc.get("precision").getAsString());
        assertTrue(doc.get("load_seconds").getAsDouble() > 0);
        JsonArray rows = doc.getAsJsonArray("predictions");
        int[] ref = argmax(refLogits);
        for (int i = 0; i < files.size(); i++) {
            JsonObject row = rows.get(i).getAsJsonObject();
            assertEquals(files.get(i).toString(), row.get("file").getAsString());
            String best =
                    row.getAsJsonArray("top").get(0).getAsJsonObject().get("class").getAsString();
            assertEquals(classNames.get(ref[i]), best, name + " predict " + i);
        }

        Path out = tmp.resolve("embed-" + name);
        List<String> embed =
                new ArrayList<>(
                        List.of(
                                "embed",
                                "--model",
                                MODEL,
                                "--weights",
                                run.toString(),
                                pngs.toString(),
                                "--out",
                                out.toString(),
                                "--json"));
        embed.addAll(engineArgs);
        CliRun e = CliRun.of(embed.toArray(new String[0]));
        assertEquals(0, e.code(), e.err());
        JsonObject edoc = JsonParser.parseString(e.out()).getAsJsonObject();
        assertEquals(expectedEngine(name), edoc.get("engine").getAsString());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertClose(
                    refFeatures,
                    rows(Npy.read(m, out.resolve("embeddings.npy"))),
                    name + " embed CLI");
        }

        // run on the same preprocessed pixels: logits equal the block tree's.
        Path x = tmp.resolve("x-" + name + ".npy");
        Path y = tmp.resolve("y-" + name + ".npy");
        ImagePreprocessor pre;
        try (ModelRuntime r =
                ModelRuntime.builder()
                        .setModel(MODEL)
                        .optWeights(run)
                        .optEngine(InferenceEngine.PYTORCH)
                        .build()) {
            pre = r.preprocessor();
        }
        float[] values = new float[files.size() * pre.floatsPerImage()];
        for (int i = 0; i < files.size(); i++) {
            pre.apply(
                    ImageDecoder.standard().decode(files.get(i)), values, i * pre.floatsPerImage());
        }
        Npy.write(x, values, new long[] {files.size(), 1, SIZE, SIZE});
        List<String> runArgs =
                new ArrayList<>(
                        List.of(
                                "run",
                                "--model",
                                MODEL,
                                "--weights",
                                run.toString(),
                                "--input",
                                x.toString(),
                                "--output",
                                y.toString(),
                                "--json"));
        runArgs.addAll(engineArgs);
        CliRun r = CliRun.of(runArgs.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        assertEquals(
                expectedEngine(name),
                JsonParser.parseString(r.out()).getAsJsonObject().get("engine").getAsString());
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            assertClose(refLogits, rows(Npy.read(m, y)), name + " run");
        }
    }

    private static SparkSession spark;

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
        SparkImageModel.closeCachedModels();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "OnnxRuntime", "default"})
    void sparkMatchesTheBlockTree(String name) throws IOException {
        if (spark == null) {
            spark =
                    SparkSession.builder()
                            .master("local[1]")
                            .appName("doors")
                            .config("spark.ui.enabled", "false")
                            .config("spark.driver.host", "127.0.0.1")
                            .config("spark.driver.bindAddress", "127.0.0.1")
                            .getOrCreate();
        }
        SparkImageModel model =
                SparkImageModel.builder()
                        .setModel(MODEL)
                        .optWeights(run)
                        .optEngine(engine(name))
                        .optTopK(1)
                        .optBatchSize(8)
                        .build();
        List<Row> rows =
                model.predict(spark.read().format("binaryFile").load(pngs.toString()))
                        .select("path", SparkImageModel.CLASS, SparkImageModel.ERROR)
                        .collectAsList();
        assertEquals(files.size(), rows.size());
        Map<String, String> byFile = new HashMap<>();
        for (Row row : rows) {
            assertEquals(null, row.getString(2), "no error");
            byFile.put(Path.of(java.net.URI.create(row.getString(0))).toString(), row.getString(1));
        }
        int[] ref = argmax(refLogits);
        for (int i = 0; i < files.size(); i++) {
            assertEquals(
                    classNames.get(ref[i]), byFile.get(files.get(i).toString()), name + " " + i);
        }
        assertEquals(expectedEngine(name), model.modelLoads().get(0).engine());
    }

    @Test
    void anEngineThatCannotRunTheModelIsRefusedByName() {
        CliRun p =
                CliRun.of(
                        "embed",
                        "--model",
                        "hrnet_w18_seg",
                        "--engine",
                        "OnnxRuntime",
                        "--image-size",
                        "64",
                        files.get(0).toString(),
                        "--out",
                        tmp.resolve("seg").toString());
        assertEquals(2, p.code(), p.err());
        assertTrue(
                p.err().contains("hrnet_w18_seg") && p.err().contains("PyTorch"),
                "names the model and the engine to use: " + p.err());
    }
}
