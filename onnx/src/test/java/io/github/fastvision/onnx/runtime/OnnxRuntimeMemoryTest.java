package io.github.fastvision.onnx.runtime;

import static io.github.fastvision.onnx.runtime.ResidentMemory.assertFlat;
import static io.github.fastvision.onnx.runtime.ResidentMemory.noise;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.inference.ClassPredictor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resident memory stays flat over 2,000 batch-1 passes on ONNX Runtime, fed the way users feed
 * data: Java {@code float[]} and images through {@link ClassPredictor} ({@link ResidentMemory});
 * {@code OnnxRuntimeEmbedderMemoryTest} does the same for the {@code Embedder} and {@code
 * Criteria}, in the other test JVM.
 */
class OnnxRuntimeMemoryTest {

    @Test
    void predictorDoesNotGrowMemory() throws IOException {
        try (ClassPredictor p =
                ClassPredictor.builder()
                        .setModel("test_fasternet")
                        .optInputSize(32)
                        .optEngine(InferenceEngine.ONNX_RUNTIME)
                        .build()) {
            assertEquals(InferenceEngine.ONNX_RUNTIME, p.runtime().engine());
            float[] x = new float[p.preprocessor().floatsPerImage()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 97) / 97f;
            }
            assertFlat("float[]", () -> assertEquals(1, p.predictPreprocessed(x, 1).size()));
            List<BufferedImage> batch = List.of(noise(256, 2));
            assertFlat("image", () -> assertEquals(1, p.predictImages(batch).size()));
        }
    }
}
