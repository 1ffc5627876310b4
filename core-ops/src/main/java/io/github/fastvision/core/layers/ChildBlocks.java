package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

/** Small helpers that composite blocks use to chain their children. */
public final class ChildBlocks {

    private ChildBlocks() {}

    /**
     * Initializes a child for the given input shape and returns its output shape.
     *
     * @param block the child
     * @param manager the manager for parameter arrays
     * @param dataType the parameter data type
     * @param input the child's input shape
     * @return the child's output shape
     */
    public static Shape init(Block block, NDManager manager, DataType dataType, Shape input) {
        block.initialize(manager, dataType, input);
        return outShape(block, input);
    }

    /**
     * Returns a single-input block's output shape.
     *
     * @param block the block
     * @param input its input shape
     * @return the output shape
     */
    public static Shape outShape(Block block, Shape input) {
        return block.getOutputShapes(new Shape[] {input})[0];
    }

    /**
     * Runs a single-input, single-output child.
     *
     * @param block the child
     * @param ps the parameter store
     * @param x the input
     * @param training whether this is a training pass
     * @return the output
     */
    public static NDArray forward(Block block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /**
     * Counts the trainable parameter elements of an initialized block (BN running statistics are
     * not trainable and are not counted).
     *
     * @param block an initialized block
     * @return the number of trainable scalars
     */
    public static long trainableParameters(Block block) {
        long total = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                total += p.getValue().getArray().size();
            }
        }
        return total;
    }
}
