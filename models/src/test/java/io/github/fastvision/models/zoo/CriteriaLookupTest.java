package io.github.fastvision.models.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriteriaLookupTest {

    private static Image randomImage(int w, int h) {
        BufferedImage bi = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                bi.setRGB(x, y, r.nextInt(0xffffff));
            }
        }
        return ImageFactory.getInstance().fromImage(bi);
    }

    @Test
    void criteriaLoadsAnImageClassifier() throws Exception {
        Autograd.disable();
        Criteria<Image, Classifications> criteria =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("io.github.fastvision")
                        .optArtifactId("test_fasternet")
                        .optArgument("numClasses", 7)
                        .optArgument("inputSize", 32)
                        .build();
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            Classifications c = predictor.predict(randomImage(48, 40));
            assertEquals(7, c.getClassNames().size());
            double total = c.getProbabilities().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, total, 1e-4);
        }
    }

    @Test
    void criteriaLoadsWeightsFromALocalFile(@TempDir Path tmp) throws Exception {
        Autograd.disable();
        ModelOptions options = ModelOptions.builder().setNumClasses(5).optInputSize(32).build();
        Path file = tmp.resolve("w.fvw");
        NDArray expected;
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel source = ModelRegistry.create("test_resnet", options);
            source.initialize(m, DataType.FLOAT32, source.inputShape(1));
            WeightsFile.save(source, file);
            NDArray x = m.ones(new Shape(1, 3, 32, 32));
            expected = source.forward(new ParameterStore(m, false), new NDList(x), false).head();
            expected = expected.duplicate();
            expected.detach();
        }
        Criteria<NDList, NDList> criteria =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optGroupId("io.github.fastvision")
                        .optArtifactId("test_resnet")
                        .optArgument("numClasses", 5)
                        .optArgument("inputSize", 32)
                        .optArgument("weights", file.toString())
                        .build();
        try (ZooModel<NDList, NDList> model = criteria.loadModel();
                Predictor<NDList, NDList> predictor = model.newPredictor();
                NDManager m = NDManager.newBaseManager()) {
            NDList out = predictor.predict(new NDList(m.ones(new Shape(1, 3, 32, 32))));
            // Criteria runs the inference fast path (BN folded): equal within float rounding.
            float[] got = out.head().toFloatArray();
            float[] want = expected.toFloatArray();
            assertEquals(want.length, got.length);
            double max = 0;
            for (float v : want) {
                max = Math.max(max, Math.abs(v));
            }
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], 1e-5 * max, "Criteria-loaded weights, logit " + i);
            }
        } finally {
            expected.close();
        }
    }

    @Test
    void unknownArtifactIsNotFound() {
        Criteria<NDList, NDList> criteria =
                Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optGroupId("io.github.fastvision")
                        .optArtifactId("fasternet_t9")
                        .build();
        assertThrows(ai.djl.repository.zoo.ModelNotFoundException.class, criteria::loadModel);
    }
}
