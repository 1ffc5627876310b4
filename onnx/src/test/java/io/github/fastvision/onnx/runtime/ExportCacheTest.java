package io.github.fastvision.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.runtime.ModelRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX export cached beside the weights is served only when its key (the weights' content hash,
 * options, exporter version, opset) matches: a foreign file with a newer modification time, a
 * truncated file and an export of older weights are exported again, never used.
 */
class ExportCacheTest {

    private static final String MODEL = "test_fasternet";

    @TempDir Path tmp;

    private static void save(Path file, long seed) {
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            VisionModel model =
                    ModelRegistry.create(
                            MODEL,
                            ModelOptions.builder().setNumClasses(10).optInputSize(32).build());
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            WeightsFile.save(model, file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] logits(Path weights, InferenceEngine engine) throws IOException {
        try (ModelRuntime r =
                ModelRuntime.builder()
                        .setModel(MODEL)
                        .optWeights(weights)
                        .optInputSize(32)
                        .optEngine(engine)
                        .build()) {
            float[] x = new float[3 * 32 * 32];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) Math.sin(i * 0.37);
            }
            return r.run(x, 1)[0];
        }
    }

    private static void assertClose(float[] ref, float[] got, String what) {
        double error = ZooExports.relativeError(ref, got);
        assertTrue(error <= 1e-4, what + ": relative error " + error);
    }

    @Test
    void theCacheIsReusedAndRefusesForeignStaleOrTruncatedFiles() throws IOException {
        Path a = tmp.resolve("a").resolve(MODEL + WeightsFile.EXTENSION);
        Path b = tmp.resolve("b").resolve(MODEL + WeightsFile.EXTENSION);
        Files.createDirectories(a.getParent());
        Files.createDirectories(b.getParent());
        save(a, 1);
        save(b, 2);
        float[] torchA = logits(a, InferenceEngine.PYTORCH);
        float[] torchB = logits(b, InferenceEngine.PYTORCH);
        assertNotEquals(Arrays.toString(torchA), Arrays.toString(torchB), "two different models");

        assertClose(torchA, logits(a, InferenceEngine.ONNX_RUNTIME), "first export");
        Path cacheA = a.resolveSibling(MODEL + ".32px.onnx");
        Path cacheB = b.resolveSibling(MODEL + ".32px.onnx");
        assertTrue(Files.isRegularFile(cacheA), "export cached beside the weights");
        FileTime first = Files.getLastModifiedTime(cacheA);
        assertClose(torchA, logits(a, InferenceEngine.ONNX_RUNTIME), "cached export");
        assertEquals(first, Files.getLastModifiedTime(cacheA), "the cache is reused");

        // A foreign export (another model's weights) under the same name and a newer mtime.
        assertClose(torchB, logits(b, InferenceEngine.ONNX_RUNTIME), "export of b");
        Files.copy(cacheB, cacheA, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(cacheA, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        assertClose(torchA, logits(a, InferenceEngine.ONNX_RUNTIME), "after a foreign file");

        // Weights replaced by older ones: the cache's key no longer matches their content.
        Files.copy(b, a, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(a, FileTime.fromMillis(0));
        assertClose(torchB, logits(a, InferenceEngine.ONNX_RUNTIME), "after older weights");

        // A truncated cache is exported again.
        byte[] whole = Files.readAllBytes(cacheA);
        Files.write(cacheA, Arrays.copyOf(whole, whole.length / 3));
        assertClose(torchB, logits(a, InferenceEngine.ONNX_RUNTIME), "after truncation");
        assertEquals(whole.length, Files.size(cacheA), "the truncated cache was rewritten");
        try (var s = Files.list(a.getParent())) {
            assertEquals(2, s.count(), "only the weights and their export, no temporaries");
        }
    }

    @Test
    void aReadOnlyWeightsDirectoryStillRunsOnOnnxRuntime() throws IOException {
        Path dir = tmp.resolve("ro");
        Files.createDirectories(dir);
        Path w = dir.resolve(MODEL + WeightsFile.EXTENSION);
        save(w, 3);
        float[] torch = logits(w, InferenceEngine.PYTORCH);
        String home = System.getProperty("user.home");
        System.setProperty("user.home", tmp.resolve("home").toString());
        dir.toFile().setWritable(false);
        try {
            assertClose(torch, logits(w, InferenceEngine.ONNX_RUNTIME), "read-only weights");
        } finally {
            dir.toFile().setWritable(true);
            System.setProperty("user.home", home);
        }
    }
}
