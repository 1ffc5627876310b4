package io.github.fastvision.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.EngineUnavailableException;
import io.github.fastvision.models.zoo.RegistryModelLoader;
import org.junit.jupiter.api.Test;

/** Engine selection through DJL's {@code Criteria}: explicit engines, defaults, refusals. */
class CriteriaEngineTest {

    private static final String MODEL = "test_fasternet";

    private static Criteria<NDList, NDList> criteria(String model, String engine) {
        Criteria.Builder<NDList, NDList> b =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optArtifactId(model)
                        .optArgument("numClasses", 10)
                        .optArgument("inputSize", 32);
        return engine == null ? b.build() : b.optEngine(engine).build();
    }

    private static float[] predict(String engine, String expected, NDManager m, float[] input)
            throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        try (ZooModel<NDList, NDList> model = criteria(MODEL, engine).loadModel();
                Predictor<NDList, NDList> p = model.newPredictor()) {
            assertEquals(
                    expected,
                    model.getProperty(RegistryModelLoader.ENGINE_PROPERTY),
                    "engine serving " + MODEL);
            NDList out = p.predict(new NDList(m.create(input, new Shape(1, 3, 32, 32))));
            assertEquals(new Shape(1, 10), out.singletonOrThrow().getShape());
            return out.singletonOrThrow().toFloatArray();
        }
    }

    @Test
    void onnxRuntimeServesTheSameModelAsPyTorch() throws Exception {
        Autograd.disable();
        assertEquals(InferenceEngine.PYTORCH, InferenceEngine.defaultFor(MODEL));
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            float[] input = m.randomNormal(new Shape(1, 3, 32, 32)).toFloatArray();
            float[] torch = predict("PyTorch", "PyTorch", m, input);
            float[] ort = predict("OnnxRuntime", "OnnxRuntime", m, input);
            float[] byDefault = predict(null, "PyTorch", m, input);
            for (int i = 0; i < torch.length; i++) {
                assertEquals(torch[i], byDefault[i], "default engine (PyTorch) output " + i);
            }
            double error = ZooExports.relativeError(torch, ort);
            assertTrue(error <= 1e-4, "ORT vs PyTorch relative error " + error);
        }
    }

    @Test
    void aModelWithoutAnEngineRunsOnItsDefaultEngine() throws Exception {
        assertEquals(InferenceEngine.ONNX_RUNTIME, InferenceEngine.defaultFor("resnet56_cifar"));
        try (ZooModel<NDList, NDList> model = criteria("resnet56_cifar", null).loadModel()) {
            assertEquals("OnnxRuntime", model.getProperty(RegistryModelLoader.ENGINE_PROPERTY));
        }
    }

    @Test
    void aModelWithoutAnExportIsRefusedOnOnnxRuntimeNamingTheModel() {
        Criteria<NDList, NDList> c =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optArtifactId("hrnet_w18_seg")
                        .optEngine("OnnxRuntime")
                        .build();
        Exception e = assertThrows(Exception.class, c::loadModel);
        assertTrue(e.getMessage().contains("hrnet_w18_seg"), e.getMessage());
    }

    @Test
    void anAnswerForEveryEngineName() {
        assertEquals(InferenceEngine.ONNX_RUNTIME, InferenceEngine.parse("OnnxRuntime"));
        assertEquals(InferenceEngine.ONNX_RUNTIME, InferenceEngine.parse("ort"));
        assertEquals(InferenceEngine.PYTORCH, InferenceEngine.parse("pytorch"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> InferenceEngine.parse("tvm"));
        assertTrue(e.getMessage().contains("[PyTorch, OnnxRuntime]"), e.getMessage());
        // The table's batch-32 exceptions: measured faster on PyTorch at batch 32 only.
        assertEquals(InferenceEngine.ONNX_RUNTIME, InferenceEngine.defaultFor("convnext_tiny", 1));
        assertEquals(InferenceEngine.PYTORCH, InferenceEngine.defaultFor("convnext_tiny", 32));
        assertEquals(InferenceEngine.PYTORCH, InferenceEngine.defaultFor("pit_small"));
        assertEquals(
                InferenceEngine.ONNX_RUNTIME, InferenceEngine.defaultFor("resnet50_deform_max"));
        assertTrue(
                EngineUnavailableException.class.getSuperclass() == IllegalArgumentException.class,
                "unchecked, so DJL's Criteria reports it as it is");
    }
}
