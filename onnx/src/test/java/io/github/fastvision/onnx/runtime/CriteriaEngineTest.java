package io.github.fastvision.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.zoo.RegistryModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Engine selection through DJL's {@code Criteria}: explicit engines, defaults, refusals. */
class CriteriaEngineTest {

    private static final String MODEL = "test_fasternet";

    private static Criteria<NDList, NDList> criteria(String engine) {
        Criteria.Builder<NDList, NDList> b =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optArtifactId(MODEL)
                        .optArgument("numClasses", 10)
                        .optArgument("inputSize", 32);
        return engine == null ? b.build() : b.optEngine(engine).build();
    }

    private static float[] predict(String engine, NDManager m, float[] input) throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        try (ZooModel<NDList, NDList> model = criteria(engine).loadModel();
                Predictor<NDList, NDList> p = model.newPredictor()) {
            assertEquals(
                    engine == null ? "PyTorch" : engine,
                    model.getNDManager().getEngine().getEngineName(),
                    "engine serving " + MODEL);
            NDList out = p.predict(new NDList(m.create(input, new Shape(1, 3, 32, 32))));
            assertEquals(new Shape(1, 10), out.singletonOrThrow().getShape());
            return out.singletonOrThrow().toFloatArray();
        }
    }

    @Test
    void onnxRuntimeServesTheSameModelAsPyTorch() throws Exception {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] input = m.randomNormal(new Shape(1, 3, 32, 32)).toFloatArray();
            float[] torch = predict("PyTorch", m, input);
            float[] ort = predict("OnnxRuntime", m, input);
            float[] byDefault = predict(null, m, input);
            double maxRef = 0;
            double maxDiff = 0;
            for (int i = 0; i < torch.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(torch[i]));
                maxDiff = Math.max(maxDiff, Math.abs(torch[i] - ort[i]));
                assertEquals(torch[i], byDefault[i], "default engine (PyTorch) output " + i);
            }
            assertTrue(maxRef > 0, "logits are all zero");
            assertTrue(maxDiff <= 1e-4 * maxRef, "ORT vs PyTorch max |Δ| " + maxDiff);
        }
    }

    @Test
    void loadersLeaveAModelToItsDefaultEngineWhenNoneIsAsked() {
        assertEquals(InferenceEngine.PYTORCH, InferenceEngine.defaultFor(MODEL));
        ModelNotFoundException e =
                assertThrows(
                        ModelNotFoundException.class,
                        () ->
                                new OnnxRuntimeModelLoader(ModelRegistry.info(MODEL))
                                        .loadModel(criteria(null)));
        assertTrue(e.getMessage().contains("defaults to the PyTorch engine"), e.getMessage());
        String ortDefault = firstOnnxRuntimeDefault();
        if (ortDefault != null) {
            Criteria<NDList, NDList> c =
                    Criteria.builder()
                            .setTypes(NDList.class, NDList.class)
                            .optArtifactId(ortDefault)
                            .build();
            ModelNotFoundException torch =
                    assertThrows(
                            ModelNotFoundException.class,
                            () ->
                                    new RegistryModelLoader(ModelRegistry.info(ortDefault))
                                            .loadModel(c));
            assertTrue(torch.getMessage().contains("defaults to OnnxRuntime"), torch.getMessage());
        }
    }

    private static String firstOnnxRuntimeDefault() {
        return ModelRegistry.all().stream()
                .map(i -> i.name())
                .filter(n -> InferenceEngine.defaultFor(n) == InferenceEngine.ONNX_RUNTIME)
                .findFirst()
                .orElse(null);
    }

    @Test
    void theExportIsCachedBesideTheWeightsAndReused(@TempDir Path tmp) throws Exception {
        Path weights = tmp.resolve(MODEL + WeightsFile.EXTENSION);
        float[] saved;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            VisionModel model =
                    ModelRegistry.create(
                            MODEL,
                            ModelOptions.builder().setNumClasses(10).optInputSize(32).build());
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            WeightsFile.save(model, weights);
            NDArray x = m.ones(new Shape(1, 3, 32, 32));
            saved =
                    model.forward(new ParameterStore(m, false), new NDList(x), false)
                            .singletonOrThrow()
                            .toFloatArray();
        }
        Criteria<NDList, NDList> c =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optArtifactId(MODEL)
                        .optEngine("OnnxRuntime")
                        .optArgument("numClasses", 10)
                        .optArgument("inputSize", 32)
                        .optArgument("weights", weights.toString())
                        .build();
        Path cache = tmp.resolve(MODEL + ".32px.onnx");
        FileTime first = null;
        for (int load = 0; load < 2; load++) {
            try (ZooModel<NDList, NDList> model = c.loadModel();
                    Predictor<NDList, NDList> p = model.newPredictor();
                    NDManager m = NDManager.newBaseManager("PyTorch")) {
                float[] got =
                        p.predict(new NDList(m.ones(new Shape(1, 3, 32, 32))))
                                .singletonOrThrow()
                                .toFloatArray();
                for (int i = 0; i < got.length; i++) {
                    assertEquals(saved[i], got[i], 1e-4 * Math.abs(saved[i]) + 1e-5, "logit " + i);
                }
            }
            assertTrue(Files.isRegularFile(cache), "export cached beside the weights");
            if (first == null) {
                first = Files.getLastModifiedTime(cache);
            } else {
                assertEquals(first, Files.getLastModifiedTime(cache), "the cache is reused");
            }
        }
    }

    @Test
    void engineNamesParse() {
        assertEquals(InferenceEngine.ONNX_RUNTIME, InferenceEngine.parse("OnnxRuntime"));
        assertEquals(InferenceEngine.ONNX_RUNTIME, InferenceEngine.parse("ort"));
        assertEquals(InferenceEngine.PYTORCH, InferenceEngine.parse("pytorch"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> InferenceEngine.parse("tvm"));
        assertTrue(e.getMessage().contains("[PyTorch, OnnxRuntime]"), e.getMessage());
    }
}
