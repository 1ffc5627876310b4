package io.github.fastvision.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.inference.ClassPredictor;
import io.github.fastvision.models.inference.Embedder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Resident memory stays flat over 2,000 batch-1 passes on ONNX Runtime, fed the way users feed
 * data: Java {@code float[]} and images through {@link ClassPredictor} and {@link Embedder}, and
 * images through the DJL {@code Criteria} predictor. The same bound as the PyTorch engine's test
 * ({@code InferenceMemoryTest}); RSS is read without a GC.
 */
class OnnxRuntimeMemoryTest {

    private static final long LIMIT_BYTES = 64L << 20;
    private static final int WARM_UP = 100;
    private static final int PASSES = 2000;

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static void assertFlat(String what, Runnable pass) throws IOException {
        for (int i = 0; i < WARM_UP; i++) {
            pass.run();
        }
        System.gc();
        long baseline = residentBytes();
        for (int i = 0; i < PASSES; i++) {
            pass.run();
        }
        long grew = residentBytes() - baseline;
        assertTrue(
                grew < LIMIT_BYTES,
                "RSS grew by " + (grew >> 20) + " MiB over " + PASSES + " " + what + " passes");
    }

    private static BufferedImage noise(int side, long seed) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, r.nextInt());
            }
        }
        return image;
    }

    @Test
    void predictorAndEmbedderDoNotGrowMemory() throws IOException {
        try (ClassPredictor p =
                        ClassPredictor.builder()
                                .setModel("test_fasternet")
                                .optInputSize(32)
                                .optEngine(InferenceEngine.ONNX_RUNTIME)
                                .build();
                Embedder e =
                        Embedder.builder()
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
            assertFlat("embedding", () -> assertEquals(1, e.embedImages(batch).length));
        }
    }

    @Test
    void imagesThroughTheCriteriaPredictorDoNotGrowMemory() throws Exception {
        Criteria<Image, Classifications> criteria =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optArtifactId("test_fasternet")
                        .optEngine("OnnxRuntime")
                        .optArgument("numClasses", 10)
                        .optArgument("inputSize", 32)
                        .build();
        Image image = ImageFactory.getInstance().fromImage(noise(256, 3));
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            assertFlat(
                    "Criteria",
                    () -> {
                        try {
                            assertEquals(10, predictor.predict(image).items().size());
                        } catch (ai.djl.translate.TranslateException e) {
                            throw new IllegalStateException(e);
                        }
                    });
        }
    }
}
