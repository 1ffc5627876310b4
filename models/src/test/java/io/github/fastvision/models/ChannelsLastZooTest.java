package io.github.fastvision.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.runtime.InferenceMode;
import io.github.fastvision.core.runtime.MemoryFormat;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo model's inference fast path gives the same output in channels-last memory as in NCHW
 * (the model's stand-in where it is large), and a model whose table entry is channels-last really
 * runs its stages channels-last.
 */
class ChannelsLastZooTest {

    private static final int SIZE = 32;

    /** Each distinct model the contract runs: large variants share their family's stand-in. */
    static Stream<String> names() {
        return ZooContractTest.names().map(ZooContractTest::standIn).distinct();
    }

    /** Every zoo name, for the table check. */
    static Stream<String> allNames() {
        return ZooContractTest.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void channelsLastEqualsNchw(String name) {
        String run = ZooContractTest.standIn(name);
        ModelOptions options = ModelOptions.builder().setNumClasses(10).optInputSize(SIZE).build();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Backbone model = ModelRegistry.model(run, options);
            Shape input = new Shape(1, options.inChannels(), SIZE, SIZE);
            model.initialize(manager, DataType.FLOAT32, input);
            NDArray x = manager.randomNormal(input);
            ParameterStore ps = new ParameterStore(manager, false);

            InferenceMode.enter(model, MemoryFormat.CONTIGUOUS);
            NDArray ref = model.forward(ps, new NDList(x), false).singletonOrThrow();
            InferenceMode.enter(model, MemoryFormat.CHANNELS_LAST);
            assertEquals(MemoryFormat.CHANNELS_LAST, model.getMemoryFormat());
            NDArray y = model.forward(ps, new NDList(x), false).singletonOrThrow();
            InferenceMode.exit(model);
            assertEquals(MemoryFormat.CONTIGUOUS, model.getMemoryFormat());

            assertEquals(ref.getShape(), y.getShape());
            float scale = ref.abs().max().getFloat();
            float diff = y.sub(ref).abs().max().getFloat();
            assertTrue(diff <= 1e-4f * scale + 1e-6f, run + ": max |Δ| " + diff + " of " + scale);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allNames")
    void tableEntriesRunChannelsLast(String name) {
        if (MemoryFormats.defaultFor(name) != MemoryFormat.CHANNELS_LAST) {
            return;
        }
        String run = ZooContractTest.standIn(name);
        ModelOptions options = ModelOptions.builder().setNumClasses(10).optInputSize(SIZE).build();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            Backbone model = ModelRegistry.model(run, options);
            Shape input = new Shape(1, options.inChannels(), SIZE, SIZE);
            model.initialize(manager, DataType.FLOAT32, input);
            InferenceMode.enter(model, MemoryFormat.CHANNELS_LAST);
            NDList features =
                    model.forwardFeatures(
                            new ParameterStore(manager, false), manager.randomNormal(input), false);
            NDArray first = features.get(0);
            if (first.getShape().dimension() == 4 && first.getShape().get(2) > 1) {
                assertTrue(
                        MemoryFormat.isChannelsLast(first),
                        run + ": its first stage's output is not channels-last");
            }
        }
    }
}
