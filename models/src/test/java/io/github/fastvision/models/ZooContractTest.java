package io.github.fastvision.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.models.io.WeightsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every registered model keeps, run at 32×32 input: models above 10M parameters are
 * exercised through the tiny test variant that their family names as their stand-in ({@link
 * ModelInfo#standIn()}: the same blocks, pattern and head), so the suite stays fast. Every family
 * the registry discovers is covered, the test-only {@code testfamily} included.
 */
class ZooContractTest {

    private static final int SIZE = 32;
    private static final int CLASSES = 10;
    private static final long FULL_SIZE_LIMIT = 10_000_000L;

    static Stream<String> names() {
        return ModelRegistry.allWithTestVariants().stream().map(ModelInfo::name);
    }

    /** The model the contract runs on for a registered name: its family's stand-in when large. */
    static String standIn(String name) {
        ModelInfo info = ModelRegistry.info(name);
        if (info.isTestVariant() || info.create().cost().params() <= FULL_SIZE_LIMIT) {
            return name;
        }
        return info.standIn()
                .orElseThrow(() -> new IllegalStateException("no test stand-in for " + name));
    }

    private static ModelOptions options() {
        return ModelOptions.builder().setNumClasses(CLASSES).optInputSize(SIZE).build();
    }

    private static NDArray forward(Backbone model, NDArray x, boolean training) {
        return model.forward(new ParameterStore(x.getManager(), false), new NDList(x), training)
                .singletonOrThrow();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void contract(String name, @TempDir Path tmp) throws IOException {
        String run = standIn(name);
        Engine.getInstance().setRandomSeed(3);
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone model = ModelRegistry.model(run, options());
            Shape in = model.inputShape(2);
            Cost cost = model.cost(in);
            model.initialize(m, DataType.FLOAT32, in);
            assertEquals(
                    ChildBlocks.trainableParameters(model),
                    cost.params(),
                    run + ": shape-only params");

            NDArray x = m.randomNormal(in);
            NDArray y = forward(model, x, false);
            boolean dense = model instanceof SegmentationModel;
            assertEquals(
                    dense,
                    ModelRegistry.info(run).kind() == ModelInfo.Kind.SEGMENTATION,
                    run + ": kind");
            Shape expected =
                    dense ? new Shape(2, CLASSES, SIZE / 4, SIZE / 4) : new Shape(2, CLASSES);
            assertEquals(
                    expected,
                    y.getShape(),
                    run + (dense ? ": per-pixel scores at 1/4 resolution" : ": logits"));
            assertEquals(y.getShape(), cost.output(), run + ": shape-only output");
            assertEquals(
                    y.getShape(),
                    model.getOutputShapes(new Shape[] {in})[0],
                    run + ": declared output");

            checkFeatures(run, model, x);
            checkSaveLoad(run, model, m, x, tmp.resolve(run + WeightsFile.EXTENSION));
            checkGradients(run, model, x);
            zeroGradients(model);
            checkTrainingStep(run, model, x);
            checkBatchScopedArrays(run, model, m, x);
            if (dense) {
                // Dense models fix their classes at build time: no classifier to reset.
                assertFalse(
                        model instanceof VisionModel,
                        run + ": a segmentation model is not a classifier");
                assertEquals(CLASSES, model.getOptions().numClasses());
            } else {
                checkResetClassifier(run, (VisionModel) model, x);
            }
        }
    }

    private static void checkFeatures(String run, Backbone model, NDArray x) {
        NDList features =
                model.forwardFeatures(new ParameterStore(x.getManager(), false), x, false);
        List<StageInfo> stages = model.getStages();
        List<Shape> declared = model.featureShapes(x.getShape());
        assertEquals(stages.size(), features.size(), run + ": one feature map per stage");
        for (int i = 0; i < stages.size(); i++) {
            Shape s = features.get(i).getShape();
            assertEquals(declared.get(i), s, run + ": stage " + i + " declared shape");
            assertEquals(stages.get(i).channels(), s.get(1), run + ": stage " + i + " channels");
            double expected = (double) SIZE / stages.get(i).stride();
            assertTrue(
                    Math.abs(s.get(2) - expected) <= 1 && Math.abs(s.get(3) - expected) <= 1,
                    run + ": stage " + i + " is " + s + " at stride " + stages.get(i).stride());
        }
    }

    private static NDArray loss(Backbone model, NDArray x, boolean training) {
        NDArray logits = forward(model, x, training);
        if (logits.getShape().dimension() == 4) {
            // Segmentation: per-pixel cross-entropy against a fixed label map.
            Shape s = logits.getShape();
            NDArray labels =
                    x.getManager()
                            .arange(0, (int) (s.get(0) * s.get(2) * s.get(3)))
                            .toType(DataType.INT64, false)
                            .reshape(s.get(0), s.get(2), s.get(3))
                            .mod(s.get(1));
            NDArray onehot = labels.oneHot((int) s.get(1)).transpose(0, 3, 1, 2);
            return logits.logSoftmax(1).mul(onehot).sum(new int[] {1}).mean().neg();
        }
        NDArray labels = x.getManager().create(new float[] {1, 7});
        return Loss.softmaxCrossEntropyLoss().evaluate(new NDList(labels), new NDList(logits));
    }

    /** Eval-mode backward (BN on running statistics): every trainable parameter gets a gradient. */
    private static void checkGradients(String run, Backbone model, NDArray x) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            gc.backward(loss(model, x, false));
        }
        for (ParameterNames.Named p : ParameterNames.of(model)) {
            if (p.parameter().requiresGradient()) {
                NDArray g = p.parameter().getArray().getGradient();
                assertTrue(
                        g.abs().max().getFloat() > 0, run + ": " + p.name() + " got no gradient");
            }
        }
    }

    /**
     * PyTorch accumulates gradients across backward passes; DJL's collector does not reset them.
     */
    private static void zeroGradients(Backbone model) {
        for (ParameterNames.Named p : ParameterNames.of(model)) {
            if (p.parameter().requiresGradient()) {
                NDArray g = p.parameter().getArray().getGradient();
                g.subi(g);
            }
        }
    }

    /**
     * One SGD step in training mode lowers nothing to NaN and moves the weights and BN statistics.
     */
    private static void checkTrainingStep(String run, Backbone model, NDArray x) {
        NDArray before = ParameterNames.of(model).get(0).parameter().getArray().duplicate();
        float value;
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray l = loss(model, x, true);
            value = l.getFloat();
            gc.backward(l);
        }
        assertTrue(Float.isFinite(value), run + ": training loss " + value);
        for (ParameterNames.Named p : ParameterNames.of(model)) {
            if (p.parameter().requiresGradient()) {
                NDArray w = p.parameter().getArray();
                w.subi(w.getGradient().mul(0.01f));
            }
        }
        NDArray after = ParameterNames.of(model).get(0).parameter().getArray();
        assertFalse(after.contentEquals(before), run + ": first parameter did not move");
    }

    /**
     * Every array a forward or training pass creates belongs to the batch's manager: repeated
     * passes in per-batch sub-managers leave the model's manager with the same arrays. (DJL
     * attaches a result to its first operand's manager, so an operation that starts from a
     * parameter, such as a broadcast class token, would otherwise keep the pass alive.)
     */
    private static void checkBatchScopedArrays(String run, Backbone model, NDManager m, NDArray x) {
        float[] data = x.toFloatArray();
        int[] counts = new int[5];
        for (int i = 0; i < counts.length; i++) {
            try (NDManager batch = m.newSubManager()) {
                NDArray xi = batch.create(data, x.getShape());
                if (i < 3) {
                    forward(model, xi, false).sum().getFloat();
                } else {
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(loss(model, xi, true));
                    }
                }
            }
            counts[i] = m.getManagedArrays().size();
        }
        String seen =
                run
                        + ": arrays on the model's manager after each pass "
                        + java.util.Arrays.toString(counts);
        assertEquals(counts[0], counts[2], seen);
        assertEquals(counts[3], counts[4], seen);
    }

    private static void checkSaveLoad(String run, Backbone model, NDManager m, NDArray x, Path file)
            throws IOException {
        WeightsFile.save(model, file);
        Backbone twin = ModelRegistry.model(run, model.getOptions());
        WeightsFile.load(twin, m, file);
        NDArray a = forward(model, x, false);
        NDArray b = forward(twin, x, false);
        assertTrue(a.contentEquals(b), run + ": outputs differ after a save/load round trip");
        assertTrue(Files.size(file) > 0);
    }

    private static void checkResetClassifier(String run, VisionModel model, NDArray x) {
        NDArray stem = ParameterNames.of(model).get(0).parameter().getArray().duplicate();
        model.resetClassifier(5);
        assertEquals(
                new Shape(2, 5), forward(model, x, false).getShape(), run + ": reset to 5 classes");
        assertEquals(5, model.getOptions().numClasses());
        model.resetClassifier(0);
        assertEquals(
                new Shape(2, model.getHead().getFeatures()),
                forward(model, x, false).getShape(),
                run + ": classifier removed gives pooled features");
        assertTrue(
                ParameterNames.of(model).get(0).parameter().getArray().contentEquals(stem),
                run + ": backbone changed");
        model.resetClassifier(CLASSES);
        assertNotEquals(0, ChildBlocks.trainableParameters(model));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("testVariants")
    void parameterNamesMatchTheGoldenList(String name) throws IOException {
        Backbone model = ModelRegistry.model(name, options());
        try (NDManager m = NDManager.newBaseManager()) {
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            StringBuilder actual = new StringBuilder();
            for (ParameterNames.Named p : ParameterNames.of(model)) {
                actual.append(p.name())
                        .append(' ')
                        .append(p.parameter().getArray().getShape())
                        .append('\n');
            }
            Path golden = Path.of("src/test/resources/golden", name + ".txt");
            if (!Files.exists(golden) || !Files.readString(golden).equals(actual.toString())) {
                Path out = Path.of("target/golden-actual", name + ".txt");
                Files.createDirectories(out.getParent());
                Files.writeString(out, actual);
                assertEquals(
                        Files.exists(golden)
                                ? Files.readString(golden)
                                : "<missing " + golden + ">",
                        actual.toString(),
                        name
                                + ": parameter names changed; review "
                                + out
                                + " and copy it to "
                                + golden);
            }
        }
    }

    static Stream<String> testVariants() {
        return ModelRegistry.list("test_*").stream().map(ModelInfo::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("testVariants")
    void wrongInputIsAClearError(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone model = ModelRegistry.model(name, options());
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            IllegalArgumentException rank =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> forward(model, m.randomNormal(new Shape(3, SIZE, SIZE)), false));
            assertTrue(
                    rank.getMessage().contains("expects input of shape (N, 3, H, W)"),
                    rank.getMessage());
            IllegalArgumentException channels =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    forward(
                                            model,
                                            m.randomNormal(new Shape(1, 1, SIZE, SIZE)),
                                            false));
            assertTrue(
                    channels.getMessage().contains("but got (1, 1, 32, 32)"),
                    channels.getMessage());
            IllegalArgumentException dtype =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    forward(
                                            model,
                                            m.zeros(new Shape(1, 3, SIZE, SIZE), DataType.INT32),
                                            false));
            assertTrue(dtype.getMessage().contains("float32"), dtype.getMessage());
        }
    }
}
