package io.github.fastvision.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.runtime.InferenceMode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast path (BN folded, PConv slicing, no autograd) gives the eval-mode outputs. */
class InferenceModeTest {

    static Stream<String> models() {
        return Stream.concat(
                ModelRegistry.list("test_*").stream().map(ModelInfo::name),
                Stream.of("fasternet_t0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void fastPathEqualsEvalOutputs(String name) {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone model =
                    ModelRegistry.model(
                            name,
                            ModelOptions.builder()
                                    .setNumClasses(10)
                                    .optInputSize(32)
                                    .optDropPath(0f)
                                    .build());
            model.initialize(m, DataType.FLOAT32, model.inputShape(2));
            for (ParameterNames.Named p : ParameterNames.of(model)) {
                NDArray a = p.parameter().getArray();
                if (p.name().endsWith("runningVar")) {
                    a.set(m.randomUniform(0.5f, 2f, a.getShape()).toFloatArray());
                } else if (p.name().endsWith("runningMean")) {
                    a.set(m.randomNormal(0f, 0.3f, a.getShape(), DataType.FLOAT32).toFloatArray());
                }
            }
            NDArray x = m.randomNormal(model.inputShape(2));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray reference = model.forward(ps, new NDList(x), false).head();
            InferenceMode.enter(model);
            NDArray fast = model.forward(ps, new NDList(x), false).head();
            double rel =
                    fast.sub(reference).abs().max().getFloat() / reference.abs().max().getFloat();
            assertTrue(rel <= 1e-4, name + ": relative difference " + rel);
            InferenceMode.exit(model);
            NDArray back = model.forward(ps, new NDList(x), false).head();
            assertTrue(
                    back.contentEquals(reference), name + ": exit() did not restore the eval path");
        }
    }
}
