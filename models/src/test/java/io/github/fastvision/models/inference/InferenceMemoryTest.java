package io.github.fastvision.models.inference;

import static io.github.fastvision.models.inference.ResidentMemory.LIMIT_BYTES;
import static io.github.fastvision.models.inference.ResidentMemory.PASSES;
import static io.github.fastvision.models.inference.ResidentMemory.growth;
import static io.github.fastvision.models.inference.ResidentMemory.noise;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resident memory stays flat over 2,000 batch-1 passes fed the way users feed data: Java {@code
 * float[]} and images through {@link ClassPredictor}. The inputs are created natively in per-batch
 * managers and filled through the tensor's own memory, so nothing waits for the garbage collector:
 * RSS is read without a GC.
 *
 * <p>What the old routes grew by, measured here over the same 2,000 passes (2 shared cores, 2 GiB
 * pre-touched heap): inputs made with {@code manager.create(float[])} (the old {@code run} and CLI
 * route) 188 MiB at 3×96×96, i.e. nearly every pass's 108 KiB input buffer still held; DJL's {@code
 * ImageClassificationTranslator} (the old {@code Criteria} translator) 146 MiB for 256×256 images.
 * The routes below stay under the 64 MiB bound of {@code NativeMemoryTest}; {@code
 * CriteriaMemoryTest} runs the {@code Criteria} route in the other test JVM.
 */
class InferenceMemoryTest {

    @Test
    void javaArraysDoNotGrowMemory() throws IOException {
        // 3x96x96: 108 KiB per input, 211 MiB over the loop if each input leaked a buffer.
        try (ClassPredictor p =
                ClassPredictor.builder().setModel("test_fasternet").optInputSize(96).build()) {
            float[] x = new float[p.preprocessor().floatsPerImage()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 97) / 97f;
            }
            long grew = growth(() -> assertEquals(1, p.predictPreprocessed(x, 1).size()));
            assertTrue(
                    grew < LIMIT_BYTES,
                    "RSS grew by " + (grew >> 20) + " MiB over " + PASSES + " float[] passes");
        }
    }

    @Test
    void imagesThroughThePredictorDoNotGrowMemory() throws IOException {
        try (ClassPredictor p =
                ClassPredictor.builder().setModel("test_fasternet").optInputSize(32).build()) {
            List<BufferedImage> batch = List.of(noise(256, 2));
            long grew = growth(() -> assertEquals(1, p.predictImages(batch).size()));
            assertTrue(
                    grew < LIMIT_BYTES,
                    "RSS grew by " + (grew >> 20) + " MiB over " + PASSES + " image passes");
        }
    }
}
