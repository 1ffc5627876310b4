package io.github.fastvision.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.runtime.ProcessMemory;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.onnx.export.MixedExport;
import io.github.fastvision.onnx.export.Perturbation;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mixed execution ({@link MixedSession}): the deformable ResNets' stand-ins (max pools with SE, avg
 * pools alternating with regular bottlenecks) cut at their pools, ONNX Runtime running the segments
 * and the Java kernel the pools, give the PyTorch block tree's logits within 1e-5 of their largest,
 * with offset predictors randomized so that taps fall between pixels and across the border; the
 * ONNX Runtime engine serves such a model this way; and a long loop does not grow resident memory.
 */
class MixedSessionTest {

    private static final int CLASSES = 10;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"test_resnet_deform", "test_resnet_eb"})
    void mixedMatchesTheBlockTreeAtFractionalOffsets(String name) throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        Autograd.disable();
        ModelOptions options =
                ModelOptions.builder().setNumClasses(CLASSES).optInputSize(64).build();
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone model = ModelRegistry.model(name, options);
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            long pools = perturb(model, m);
            NDArray x = m.randomNormal(model.inputShape(2));
            NDArray logits =
                    model.forward(new ParameterStore(m, false), new NDList(x), false)
                            .singletonOrThrow();
            float[] ref = logits.toFloatArray();
            float[] input = x.toFloatArray();

            byte[] onnx = MixedExport.exporter(model, Map.of()).toBytes();
            try (MixedSession mixed = MixedSession.open(onnx, 1)) {
                long poolSteps =
                        mixed.plan().steps().stream()
                                .filter(s -> s instanceof MixedPlan.Pool)
                                .count();
                assertEquals(pools, poolSteps, name + ": one kernel step per deformable pool");
                assertEquals(
                        2 * pools + 1, mixed.plan().steps().size(), name + ": segments around");
                float[] got = mixed.run(2, b -> b.put(input));
                assertClose(name, ref, got);
                // Again on the reused tensors, then at another batch size.
                assertClose(name + " (second run)", ref, mixed.run(2, b -> b.put(input)));
                float[] first = new float[input.length / 2];
                System.arraycopy(input, 0, first, 0, first.length);
                float[] one = mixed.run(1, b -> b.put(first));
                float[] refOne = new float[CLASSES];
                System.arraycopy(ref, 0, refOne, 0, CLASSES);
                assertClose(name + " (batch 1)", refOne, one);
            }
            // On two threads the segments share the environment's pool, and run on their own
            // pools (a second set of sessions) from OWN_POOLS_FROM_BATCH on.
            int large = MixedSession.OWN_POOLS_FROM_BATCH;
            NDArray xLarge = m.randomNormal(model.inputShape(large));
            float[] refLarge =
                    model.forward(new ParameterStore(m, false), new NDList(xLarge), false)
                            .singletonOrThrow()
                            .toFloatArray();
            float[] inputLarge = xLarge.toFloatArray();
            try (MixedSession mixed = MixedSession.open(onnx, 2)) {
                assertClose(name + " (2 threads)", ref, mixed.run(2, b -> b.put(input)));
                assertClose(
                        name + " (2 threads, batch " + large + ")",
                        refLarge,
                        mixed.run(large, b -> b.put(inputLarge)));
                assertClose(
                        name + " (2 threads, batch 2 again)", ref, mixed.run(2, b -> b.put(input)));
            }
        }
    }

    @Test
    void onnxRuntimeEngineRunsDeformableModelsMixed() throws IOException {
        ModelOptions options = ModelOptions.builder().setNumClasses(CLASSES).build();
        assertTrue(
                ZooExports.hasDeformablePools(ModelRegistry.info("test_resnet_deform"), options));
        assertTrue(
                !ZooExports.hasDeformablePools(ModelRegistry.info("test_resnet_hybrid"), options));
        float[] input = new float[3 * 3 * 32 * 32];
        Random r = new Random(3);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
        float[] want;
        float[] got;
        try (ModelRuntime ref = runtime(InferenceEngine.PYTORCH)) {
            want = ref.runFlat(input, 3);
        }
        try (ModelRuntime ort = runtime(InferenceEngine.ONNX_RUNTIME)) {
            got = ort.runFlat(input, 3);
        }
        assertClose("test_resnet_deform on OnnxRuntime", want, got);
    }

    @Test
    void longLoopDoesNotGrowMemory() throws IOException {
        float[] input = new float[3 * 32 * 32];
        try (ModelRuntime ort = runtime(InferenceEngine.ONNX_RUNTIME)) {
            for (int i = 0; i < 100; i++) {
                ort.runFlat(input, 1);
            }
            System.gc();
            long before = ProcessMemory.requireResidentBytes();
            for (int i = 0; i < 2000; i++) {
                ort.runFlat(input, 1);
            }
            long grew = ProcessMemory.requireResidentBytes() - before;
            assertTrue(grew < 64L << 20, "RSS grew by " + (grew >> 20) + " MiB over 2000 passes");
        }
    }

    private static ModelRuntime runtime(InferenceEngine engine) throws IOException {
        Engine.getEngine("PyTorch").setRandomSeed(0);
        return ModelRuntime.builder()
                .setModel("test_resnet_deform")
                .optInputSize(32)
                .optNumClasses(CLASSES)
                .optEngine(engine)
                .optThreads(1)
                .build();
    }

    private static void assertClose(String what, float[] ref, float[] got) {
        assertEquals(ref.length, got.length, what + ": output size");
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            maxDiff = Math.max(maxDiff, Math.abs(ref[i] - got[i]));
        }
        assertTrue(maxRef > 0, what + ": reference logits are all zero");
        assertTrue(
                maxDiff <= 1e-5 * maxRef,
                what + ": max |Δ| " + maxDiff + " exceeds 1e-5 · max|ref| " + maxRef);
    }

    /**
     * Perturbs the parameters as the export tests do (offset predictors off zero: fractional
     * offsets); returns the number of deformable pools.
     */
    private static long perturb(Backbone model, NDManager m) {
        Perturbation.perturb(model, m);
        return model.getParameters().keys().stream()
                .filter(k -> k.contains("offset_conv") && k.endsWith("weight"))
                .count();
    }
}
