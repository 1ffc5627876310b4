package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.inference.ImageDecoder;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.models.runtime.Precision;
import io.github.fastvision.models.zoo.RegistryModelLoader;
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
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quantize} end to end on real images: fasternet_t0 trained here on Fashion-MNIST,
 * calibrated on training PNGs, and its int8 directory classifying test PNGs through {@code
 * predict}, {@code embed} and {@code Criteria} against the fp32 model (the reference): top-1
 * agreement and features, the {@code precision} every door reports, a pruned model, and the bad
 * inputs that must leave nothing behind.
 */
class QuantizeCommandTest {

    private static final String MODEL = "fasternet_t0";

    @TempDir static Path tmp;

    private static Path run;
    private static Path calibration;
    private static Path test;
    private static Path int8;
    private static InMemoryDataset testImages;
    private static Path trainSample;
    private static List<String> fp32Top1;

    private static void writePngs(InMemoryDataset images, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < images.size(); i++) {
            images.writePng(i, dir.resolve(String.format("img_%03d.png", i)));
        }
    }

    /** The folder name of class {@code label}: folders sort in label order. */
    private static String classFolder(InMemoryDataset images, int label) {
        return label + "_" + images.classes().get(label).replace('/', '-');
    }

    /** Writes images under one folder per class. */
    private static void writeClassFolders(InMemoryDataset images, Path root) throws IOException {
        for (int i = 0; i < images.size(); i++) {
            Path dir = Files.createDirectories(root.resolve(classFolder(images, images.label(i))));
            images.writePng(i, dir.resolve(String.format("img_%03d.png", i)));
        }
    }

    /**
     * An image folder whose test split is the test PNGs labelled with the fp32 model's own top-1,
     * so that every image int8 classifies otherwise costs accuracy: with ranges read from one
     * calibration image, a hundred images then show a drop for the pass to recover, where a
     * thousand with true labels were needed before.
     */
    private static Path fp32LabelledFolder() throws IOException {
        Path root = tmp.resolve("eval-fp32-labels");
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("train"), trainSample);
        List<String> fp32 = fp32Top1();
        for (int c = 0; c < testImages.classes().size(); c++) {
            Files.createDirectories(root.resolve("test").resolve(classFolder(testImages, c)));
        }
        for (int i = 0; i < testImages.size(); i++) {
            int label = testImages.classes().indexOf(fp32.get(i));
            assertTrue(label >= 0, "unknown class " + fp32.get(i));
            testImages.writePng(
                    i,
                    root.resolve("test")
                            .resolve(classFolder(testImages, label))
                            .resolve(String.format("img_%03d.png", i)));
        }
        return root;
    }

    @BeforeAll
    static void trainAndQuantize() throws IOException {
        DatasetSplit bundled = FashionMnist.loadBundledSubset();
        testImages = ((InMemoryDataset) bundled.test()).balancedSubset(10);
        run = tmp.resolve("run");
        ZooTrainer.train(
                TrainConfig.builder()
                        .setModel(MODEL)
                        .setRecipe(Recipes.get(Recipes.SMALL))
                        .setEpochs(1)
                        .optMaxSteps(60)
                        .setBatch(32)
                        .setImageSize(32)
                        .optSeed(5)
                        .optOut(run)
                        .build(),
                new DatasetSplit(bundled.train(), testImages),
                TrainingLoopListener.NONE);
        calibration = tmp.resolve("calibration");
        writePngs(((InMemoryDataset) bundled.train()).balancedSubset(7), calibration);
        test = tmp.resolve("test");
        writePngs(testImages, test);
        trainSample = tmp.resolve("train-sample");
        writeClassFolders(((InMemoryDataset) bundled.train()).balancedSubset(1), trainSample);
        int8 = tmp.resolve("int8");
        CliRun q =
                CliRun.of(
                        "quantize",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        "--calibration",
                        calibration.toString(),
                        "--samples",
                        "64",
                        "--out",
                        int8.toString(),
                        "--json");
        assertEquals(0, q.code(), q.err());
        JsonObject doc = JsonParser.parseString(q.out()).getAsJsonObject();
        assertEquals(64, doc.get("samples").getAsInt());
        assertEquals("minmax", doc.get("method").getAsString());
        assertTrue(doc.get("quantized_values").getAsInt() > 20, q.out());
    }

    /**
     * The fp32 model's top-1 classes of the test PNGs, predicted once for the tests that compare.
     */
    private static synchronized List<String> fp32Top1() {
        if (fp32Top1 == null) {
            fp32Top1 = top1(run, "fp32");
        }
        return fp32Top1;
    }

    private static List<String> top1(Path weights, String precision) {
        CliRun p =
                CliRun.of(
                        "predict",
                        "--model",
                        MODEL,
                        "--weights",
                        weights.toString(),
                        test.toString(),
                        "--top",
                        "1",
                        "--json");
        assertEquals(0, p.code(), p.err());
        JsonObject doc = JsonParser.parseString(p.out()).getAsJsonObject();
        assertEquals(precision, doc.get("precision").getAsString());
        List<String> out = new ArrayList<>();
        for (var row : doc.getAsJsonArray("predictions")) {
            JsonArray top = row.getAsJsonObject().getAsJsonArray("top");
            out.add(top.get(0).getAsJsonObject().get("class").getAsString());
        }
        return out;
    }

    @Test
    void predictOnTheInt8DirectoryAgreesWithFp32() {
        List<String> fp32 = fp32Top1();
        List<String> q = top1(int8, "int8");
        int same = 0;
        for (int i = 0; i < fp32.size(); i++) {
            same += fp32.get(i).equals(q.get(i)) ? 1 : 0;
        }
        double agreement = (double) same / fp32.size();
        assertTrue(agreement >= 0.95, "int8 top-1 agrees with fp32 on " + agreement + " of images");
    }

    @Test
    void embedRunAndCriteriaRunInt8() throws Exception {
        List<DecodedImage> images = new ArrayList<>();
        try (Stream<Path> s = Files.list(test)) {
            for (Path f : s.sorted().limit(16).toList()) {
                images.add(ImageDecoder.standard().decode(f));
            }
        }
        float[][] fp32;
        float[][] q;
        try (ModelRuntime r =
                ModelRuntime.builder()
                        .setModel(MODEL)
                        .optWeights(int8)
                        .optFeatures(true)
                        .optPrecision(Precision.FP32)
                        .build()) {
            fp32 = r.run(images);
        }
        try (ModelRuntime r =
                ModelRuntime.builder().setModel(MODEL).optWeights(int8).optFeatures(true).build()) {
            assertEquals("int8", r.precision());
            q = r.run(images);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < fp32.length; i++) {
            for (int k = 0; k < fp32[i].length; k++) {
                num += (fp32[i][k] - q[i][k]) * (fp32[i][k] - q[i][k]);
                den += fp32[i][k] * fp32[i][k];
            }
        }
        assertTrue(
                Math.sqrt(num / den) < 0.15,
                "int8 features' relative L2 error " + Math.sqrt(num / den));

        CliRun e =
                CliRun.of(
                        "embed",
                        "--model",
                        MODEL,
                        "--weights",
                        int8.toString(),
                        test.toString(),
                        "--out",
                        tmp.resolve("emb").toString(),
                        "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(
                "int8",
                JsonParser.parseString(e.out()).getAsJsonObject().get("precision").getAsString());

        Criteria<Image, Classifications> c =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optArtifactId(MODEL)
                        .optArgument("weights", int8.toString())
                        .build();
        try (ZooModel<Image, Classifications> model = c.loadModel();
                Predictor<Image, Classifications> p = model.newPredictor()) {
            assertEquals("int8", model.getProperty(RegistryModelLoader.PRECISION_PROPERTY));
            assertEquals(
                    10,
                    p.predict(ImageFactory.getInstance().fromFile(test.resolve("img_000.png")))
                            .items()
                            .size());
        }
    }

    @Test
    void aPrunedModelQuantizes() throws IOException {
        Path pruned = tmp.resolve("pruned");
        CliRun p =
                CliRun.of(
                        "prune",
                        "--weights",
                        run.resolve(MODEL + ".fvw").toString(),
                        "--method",
                        "l1",
                        "--ratio",
                        "0.5",
                        "--out",
                        pruned.toString());
        assertEquals(0, p.code(), p.err());
        Path out = tmp.resolve("pruned-int8");
        CliRun q =
                CliRun.of(
                        "quantize",
                        "--model",
                        MODEL,
                        "--weights",
                        pruned.toString(),
                        "--calibration",
                        calibration.toString(),
                        "--samples",
                        "16",
                        "--out",
                        out.toString());
        assertEquals(0, q.code(), q.err());
        assertTrue(Files.isRegularFile(out.resolve(MODEL + ".int8.onnx")));
        assertEquals("int8", top1PrecisionOf(out));
        // The pruned int8 model classifies like the pruned fp32 model it was made from.
        List<String> fp32 = top1(pruned, "fp32");
        List<String> int8 = top1(out, "int8");
        int same = 0;
        for (int i = 0; i < fp32.size(); i++) {
            same += fp32.get(i).equals(int8.get(i)) ? 1 : 0;
        }
        assertTrue(same >= 0.95 * fp32.size(), "pruned int8 agrees on " + same + "/" + fp32.size());
    }

    @Test
    void sensitivityPassMeetsItsBudgetOnTheEvalSplit() throws IOException {
        Path evalFolder = fp32LabelledFolder();
        Path out = tmp.resolve("budget-int8");
        CliRun q =
                CliRun.of(
                        "quantize",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        "--calibration",
                        calibration.toString(),
                        "--samples",
                        "1",
                        "--eval",
                        evalFolder.toString(),
                        "--max-drop",
                        "0",
                        "--out",
                        out.toString(),
                        "--json");
        assertEquals(0, q.code(), q.err());
        JsonObject doc = JsonParser.parseString(q.out()).getAsJsonObject();
        JsonObject s = doc.getAsJsonObject("sensitivity");
        double fp32 = doc.get("fp32_top1").getAsDouble();
        double int8 = doc.get("int8_top1").getAsDouble();
        // The pass measured on raw sessions what the written directory gives through the runtime.
        assertEquals(fp32, s.get("fp32_top1").getAsDouble(), 1e-12, q.out());
        assertEquals(int8, s.get("int8_top1").getAsDouble(), 1e-12, q.out());
        List<String> kept =
                s.getAsJsonArray("kept").asList().stream().map(e -> e.getAsString()).toList();
        assertEquals(
                kept,
                doc.getAsJsonArray("kept_fp32_layers").asList().stream()
                        .map(e -> e.getAsString())
                        .toList());
        // The written directory has the residual stream the pass chose.
        assertEquals(
                s.get("fp32_residuals").getAsBoolean(),
                doc.get("fp32_residuals").getAsBoolean(),
                q.out());
        if (s.get("int8_top1_before").getAsDouble() < fp32) {
            assertTrue(!kept.isEmpty() || s.get("fp32_residuals").getAsBoolean(), q.out());
        }
        assertTrue(int8 >= fp32 || kept.size() == s.getAsJsonArray("measured").size(), q.out());
        CliRun noEval =
                CliRun.of(
                        "quantize",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        "--calibration",
                        calibration.toString(),
                        "--max-drop",
                        "1",
                        "--out",
                        tmp.resolve("never-budget").toString());
        assertEquals(2, noEval.code(), noEval.err());
        assertTrue(noEval.err().contains("--max-drop needs --eval"), noEval.err());
    }

    @Test
    void keepFp32LayersAndAnFp32ResidualStreamAreReported() throws IOException {
        Path out = tmp.resolve("kept-int8");
        CliRun q =
                CliRun.of(
                        "quantize",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        "--calibration",
                        calibration.toString(),
                        "--samples",
                        "16",
                        "--method",
                        "entropy",
                        "--keep-fp32",
                        "stem,head*fc",
                        "--fp32-residuals",
                        "--out",
                        out.toString(),
                        "--json");
        assertEquals(0, q.code(), q.err());
        JsonObject doc = JsonParser.parseString(q.out()).getAsJsonObject();
        assertEquals("entropy", doc.get("method").getAsString());
        assertTrue(doc.get("fp32_residuals").getAsBoolean(), q.out());
        assertEquals(
                List.of("stem", "head*fc"),
                doc.getAsJsonArray("keep_fp32_patterns").asList().stream()
                        .map(e -> e.getAsString())
                        .toList());
        List<String> kept =
                doc.getAsJsonArray("kept_fp32_layers").asList().stream()
                        .map(e -> e.getAsString())
                        .toList();
        assertTrue(kept.stream().anyMatch(l -> l.contains("stem")), q.out());
        assertTrue(kept.stream().anyMatch(l -> l.contains("head") && l.contains("fc")), q.out());
        assertTrue(kept.stream().allMatch(l -> l.contains("stem") || l.contains("head")), q.out());
        assertEquals("int8", top1PrecisionOf(out));
    }

    private static String top1PrecisionOf(Path weights) {
        CliRun p =
                CliRun.of(
                        "predict",
                        "--model",
                        MODEL,
                        "--weights",
                        weights.toString(),
                        test.resolve("img_000.png").toString(),
                        "--json");
        assertEquals(0, p.code(), p.err());
        return JsonParser.parseString(p.out()).getAsJsonObject().get("precision").getAsString();
    }

    @Test
    void badInputsNameTheArgumentAndLeaveNothingBehind() throws IOException {
        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty);
        Path out = tmp.resolve("never");
        String[][] cases = {
            {"--calibration", empty.toString(), "holds no files"},
            {
                "--calibration",
                calibration.toString(),
                "--samples",
                "100000",
                "decodable images but --samples"
            },
            {
                "--calibration",
                calibration.toString(),
                "--method",
                "kl",
                "minmax, percentile or entropy"
            },
            {
                "--calibration",
                calibration.toString(),
                "--samples",
                "8",
                "--keep-fp32",
                "stem,no_such_layer",
                "--keep-fp32 pattern 'no_such_layer' names no layer of " + MODEL
            },
        };
        for (String[] c : cases) {
            List<String> args =
                    new ArrayList<>(
                            List.of(
                                    "quantize",
                                    "--model",
                                    MODEL,
                                    "--weights",
                                    run.toString(),
                                    "--out",
                                    out.toString()));
            args.addAll(List.of(c).subList(0, c.length - 1));
            CliRun r = CliRun.of(args.toArray(new String[0]));
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains(c[c.length - 1]), r.err());
            assertFalse(Files.exists(out), "no output after a failure");
        }
        CliRun seg =
                CliRun.of(
                        "quantize",
                        "--model",
                        "hrnet_w18_seg",
                        "--calibration",
                        calibration.toString(),
                        "--out",
                        out.toString());
        assertEquals(2, seg.code(), seg.err());
        assertTrue(seg.err().contains("hrnet_w18_seg"), seg.err());
        CliRun taken =
                CliRun.of(
                        "quantize",
                        "--model",
                        MODEL,
                        "--weights",
                        run.toString(),
                        "--calibration",
                        calibration.toString(),
                        "--out",
                        run.toString());
        assertEquals(2, taken.code(), taken.err());
        assertTrue(taken.err().contains("exists"), taken.err());
        try (Stream<Path> s = Files.list(tmp)) {
            assertTrue(
                    s.noneMatch(f -> f.getFileName().toString().contains(".tmp-")),
                    "no temporaries");
        }
    }
}
