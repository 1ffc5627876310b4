package io.github.fastvision.onnx.runtime;

import static io.github.fastvision.onnx.runtime.ResidentMemory.assertFlat;
import static io.github.fastvision.onnx.runtime.ResidentMemory.noise;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.inference.Embedder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resident memory stays flat over 2,000 batch-1 passes on ONNX Runtime through the {@link Embedder}
 * and the DJL {@code Criteria} predictor ({@link ResidentMemory}).
 */
class OnnxRuntimeEmbedderMemoryTest {

    @Test
    void embedderDoesNotGrowMemory() throws IOException {
        try (Embedder e =
                Embedder.builder()
                        .setModel("test_fasternet")
                        .optInputSize(32)
                        .optEngine(InferenceEngine.ONNX_RUNTIME)
                        .build()) {
            List<BufferedImage> batch = List.of(noise(256, 2));
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
                        } catch (ai.djl.translate.TranslateException ex) {
                            throw new IllegalStateException(ex);
                        }
                    });
        }
    }
}
