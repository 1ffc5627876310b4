package io.github.fastvision.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.fasternet.FasterNetBlock;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.BatchNormFolding;
import io.github.fastvision.core.pconv.PartialConv2d;

/** The README's Java example: one FasterNet block on the inference fast path. */
public final class QuickStart {

    private QuickStart() {}

    /**
     * Runs the example.
     *
     * @param args ignored
     * @return the output shape
     */
    public static Shape run(String... args) {
        try (NDManager manager = NDManager.newBaseManager()) {
            FasterNetBlock block =
                    FasterNetBlock.builder().setChannels(64).optAct(Act.GELU).build();
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 64, 56, 56));
            Autograd.disable(); // inference thread: record no graph
            BatchNormFolding.fold(block); // BN merged into the 1x1 conv
            block.getPartialConv().setMode(PartialConv2d.Mode.SLICING); // in-place PConv
            NDArray x = manager.randomNormal(new Shape(1, 64, 56, 56));
            NDArray y =
                    block.forward(new ParameterStore(manager, false), new NDList(x), false).head();
            return y.getShape();
        }
    }

    /**
     * Entry point.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("output " + run(args));
    }
}
