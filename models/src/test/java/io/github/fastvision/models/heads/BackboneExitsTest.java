package io.github.fastvision.models.heads;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.models.ModelOptions;
import org.junit.jupiter.api.Test;

class BackboneExitsTest {

    @Test
    void exitsAttachToAnyZooBackbone() {
        try (NDManager m = NDManager.newBaseManager()) {
            io.github.fastvision.models.VisionModel backbone =
                    io.github.fastvision.models.ModelRegistry.create(
                            "test_fasternet",
                            ModelOptions.builder()
                                    .setNumClasses(10)
                                    .optInputSize(32)
                                    .optInChannels(1)
                                    .optDropPath(0f)
                                    .build());
            BackboneExits exits = new BackboneExits(backbone, 5, true, 8);
            ChildBlocks.init(exits, m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
            int n = exits.numExits();
            assertEquals(backbone.getStages().size(), n);
            for (int i = 1; i < n; i++) {
                assertEquals(
                        n - i, assertInstanceOf(RedesignedExitHead.class, exits.exit(i)).depth());
            }
            NDList out =
                    exits.forward(
                            new ParameterStore(m, false),
                            new NDList(m.randomNormal(new Shape(2, 1, 32, 32))),
                            false);
            Shape first = backbone.featureShapes(new Shape(2, 1, 32, 32)).get(0);
            for (NDArray o : out) {
                assertEquals(new Shape(2, 5, first.get(2), first.get(3)), o.getShape());
            }
            assertEquals(
                    ChildBlocks.trainableParameters(exits),
                    exits.cost(new Shape(1, 1, 32, 32)).params()
                            + backbone.getHead()
                                    .cost(
                                            backbone.featureShapes(new Shape(1, 1, 32, 32))
                                                    .get(n - 1))
                                    .params());
        }
    }
}
