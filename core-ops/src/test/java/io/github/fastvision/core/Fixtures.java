package io.github.fastvision.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/** Shared helpers for block tests. */
public final class Fixtures {

    private Fixtures() {}

    /**
     * Initializes a block for the input shape.
     *
     * @param block the block
     * @param manager the manager
     * @param input the input shape
     * @return the block
     */
    public static <B extends Block> B init(B block, NDManager manager, Shape input) {
        block.initialize(manager, DataType.FLOAT32, input);
        return block;
    }

    /**
     * Runs one forward pass.
     *
     * @param block an initialized block
     * @param x the input
     * @param training whether it is a training pass
     * @return the output
     */
    public static NDArray forward(Block block, NDArray x, boolean training) {
        ParameterStore ps = new ParameterStore(x.getManager(), false);
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /**
     * Runs one forward pass the way a catalog entry says (under its mask, if it has one).
     *
     * @param e the entry
     * @param block an initialized block from the entry
     * @param x the input
     * @param training whether it is a training pass
     * @return the output
     */
    public static NDArray forward(
            OperatorCatalog.Entry e, Block block, NDArray x, boolean training) {
        return e.forward(block, new ParameterStore(x.getManager(), false), x, training);
    }

    /**
     * Largest absolute element.
     *
     * @param a an array
     * @return max |a|
     */
    public static double maxAbs(NDArray a) {
        return a.abs().max().toType(DataType.FLOAT64, false).getDouble();
    }

    /**
     * Largest absolute difference relative to the reference's largest absolute value.
     *
     * @param actual computed
     * @param reference expected
     * @return max |actual − reference| / max |reference|
     */
    public static double relErr(NDArray actual, NDArray reference) {
        return maxAbs(actual.sub(reference)) / Math.max(maxAbs(reference), 1e-12);
    }
}
