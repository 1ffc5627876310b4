package io.github.fastvision.models.resnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import org.junit.jupiter.api.Test;

/**
 * A fresh deformable ResNet starts as its max-pool counterpart: the model's Kaiming initializer for
 * every weight leaves the offset predictors at zero (pflayer §5.1; before, it reached them and
 * random-init ResNet-50 deform_max predicted offsets of hundreds of pixels).
 */
class DeformableResNetInitTest {

    @Test
    void offsetPredictorsOfAFreshModelAreZero() {
        Engine.getInstance().setRandomSeed(5);
        try (NDManager m = NDManager.newBaseManager()) {
            ModelOptions options =
                    ModelOptions.builder().setNumClasses(10).optInputSize(32).build();
            Backbone model = ModelRegistry.model("test_resnet_deform", options);
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            int predictors = 0;
            for (Pair<String, Parameter> p : model.getParameters()) {
                if (p.getKey().contains("offset_conv")) {
                    predictors++;
                    assertEquals(
                            0f,
                            p.getValue().getArray().abs().max().getFloat(),
                            p.getKey() + " is not zero");
                }
            }
            assertTrue(predictors > 0, "test_resnet_deform has no offset predictor");
        }
    }
}
