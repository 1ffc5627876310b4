package io.github.fastvision.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.onnx.runtime.OnnxRuntimeSession;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo classifier, through its tiny stand-in, exported to ONNX and run in ONNX Runtime: the
 * logits match fastvision's own eval-mode output within 1e-4 of their largest magnitude, at a batch
 * (2) other than the one the graph's shapes were computed for (the batch is symbolic).
 */
class ZooExportTest {

    private static final int SIZE = 32;
    private static final int CLASSES = 10;

    /** The distinct models the zoo's classifiers are exercised through (their tiny stand-ins). */
    static Stream<String> standIns() {
        return ModelRegistry.allWithTestVariants().stream()
                .filter(i -> i.kind() == ModelInfo.Kind.CLASSIFIER)
                .map(i -> i.isTestVariant() ? i.name() : i.standIn().orElse(i.name()))
                .distinct();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("standIns")
    void onnxRuntimeMatchesFastVision(String name) throws Exception {
        assertOnnxRuntimeMatches(
                name, ModelOptions.builder().setNumClasses(CLASSES).optInputSize(SIZE).build());
    }

    /** The tiny variants of the zoo families whose inner widths the pruning methods cut. */
    static Stream<String> widthTableModels() {
        return Stream.of(
                "test_resnet",
                "test_resnet_hybrid",
                "test_resnet_deform",
                "test_resnet_eb",
                "test_fasternet",
                "test_convnext",
                "test_convnext_iso");
    }

    /**
     * A pruned model is the same variant at other inner widths: built at narrower, uneven widths
     * (as surgery builds it), it exports and matches ONNX Runtime like the unpruned one, so no
     * converter assumes the default hidden widths.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("widthTableModels")
    void aModelAtPrunedWidthsExportsAndMatches(String name) throws Exception {
        ModelOptions options =
                ModelOptions.builder().setNumClasses(CLASSES).optInputSize(SIZE).build();
        int[] widths;
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone model = ModelRegistry.model(name, options);
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            widths =
                    ModelRegistry.info(name).family().channelGroups(model).orElseThrow().stream()
                            .mapToInt(g -> g.width() * 5 / 8 + 1)
                            .toArray();
        }
        assertOnnxRuntimeMatches(name, options.withWidths(widths));
    }

    private static void assertOnnxRuntimeMatches(String name, ModelOptions options)
            throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(11);
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone model = ModelRegistry.model(name, options);
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            Perturbation.perturb(model, m);
            NDArray x = m.randomNormal(model.inputShape(2));
            float[] ref =
                    model.forward(new ParameterStore(m, false), new NDList(x), false)
                            .singletonOrThrow()
                            .toFloatArray();

            byte[] onnx = OnnxExporter.builder().setModel(model).build().toBytes();
            try (OnnxRuntimeSession ort = OnnxRuntimeSession.builder().setModel(onnx).build()) {
                OnnxRuntimeSession.Output out = ort.run(x.toFloatArray(), x.getShape().getShape());
                assertArrayEquals(new long[] {2, CLASSES}, out.shape(), name + ": output shape");
                double maxRef = 0;
                double maxDiff = 0;
                for (int i = 0; i < ref.length; i++) {
                    maxRef = Math.max(maxRef, Math.abs(ref[i]));
                    maxDiff = Math.max(maxDiff, Math.abs(ref[i] - out.values()[i]));
                }
                assertTrue(maxRef > 0, name + ": reference logits are all zero");
                assertTrue(
                        maxDiff <= 1e-4 * maxRef,
                        name + ": max |Δ| " + maxDiff + " exceeds 1e-4 · max|ref| " + maxRef);
            }
        }
    }
}
