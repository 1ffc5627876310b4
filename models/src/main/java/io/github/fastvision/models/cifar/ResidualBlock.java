package io.github.fastvision.models.cifar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.ChildBlocks;

/**
 * A residual block of the CIFAR ResNets (He et al. 2016a §4.2; pre-activation: He et al. 2016b):
 * {@code y = main(x) + shortcut(x)}, followed by a ReLU for the post-activation (original) layout.
 * The main path is a sequence of layers whose widths come from the width table; the shortcut is the
 * identity when shapes agree, otherwise a projection or the parameter-free average-pool-and-pad.
 *
 * <p>Children: {@code main} (indexed layers) and, when not the identity, {@code shortcut}.
 */
public final class ResidualBlock extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final SequentialBlock main;
    private final Block shortcut;
    private final boolean postRelu;

    private ResidualBlock(Builder b) {
        super(VERSION);
        this.main = addChildBlock("main", b.main);
        this.shortcut = b.shortcut == null ? null : addChildBlock("shortcut", b.shortcut);
        this.postRelu = b.postRelu;
    }

    /**
     * Starts a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the main path's layers, first first.
     *
     * @return the main path
     */
    public SequentialBlock getMain() {
        return main;
    }

    /**
     * Returns whether a ReLU follows the sum (post-activation ResNets; pre-activation ones: no).
     *
     * @return whether the sum is rectified
     */
    public boolean isPostRelu() {
        return postRelu;
    }

    /**
     * Returns the shortcut.
     *
     * @return the shortcut, or null for the identity
     */
    public Block getShortcut() {
        return shortcut;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray y = ChildBlocks.forward(main, ps, x, training);
        NDArray sc = shortcut == null ? x : ChildBlocks.forward(shortcut, ps, x, training);
        NDArray out = y.add(sc);
        return new NDList(postRelu ? out.maximum(0f) : out);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape y = ChildBlocks.outShape(main, inputs[0]);
        Shape sc = shortcut == null ? inputs[0] : ChildBlocks.outShape(shortcut, inputs[0]);
        if (!y.equals(sc)) {
            throw new IllegalArgumentException(
                    "ResidualBlock: main path gives " + y + " but the shortcut gives " + sc);
        }
        return new Shape[] {y};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        main.initialize(manager, dataType, inputs[0]);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputs[0]);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input).then(main);
        if (shortcut != null) {
            acc.branch(shortcut, input);
        }
        return acc.done();
    }

    /** Builder: the main path is required; identity shortcut and no post-activation by default. */
    public static final class Builder {
        private SequentialBlock main;
        private Block shortcut;
        private boolean postRelu;

        private Builder() {}

        /**
         * Sets the main path.
         *
         * @param main the layers
         * @return this
         */
        public Builder setMain(SequentialBlock main) {
            this.main = main;
            return this;
        }

        /**
         * Sets a non-identity shortcut.
         *
         * @param shortcut the projection or pad shortcut, or null for the identity (default)
         * @return this
         */
        public Builder optShortcut(Block shortcut) {
            this.shortcut = shortcut;
            return this;
        }

        /**
         * Sets whether a ReLU follows the sum (the original, post-activation ResNet).
         *
         * @param postRelu true for post-activation (default false)
         * @return this
         */
        public Builder optPostRelu(boolean postRelu) {
            this.postRelu = postRelu;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public ResidualBlock build() {
            if (main == null || main.getChildren().isEmpty()) {
                throw new IllegalArgumentException(
                        "ResidualBlock: main must hold at least 1 layer but was "
                                + (main == null ? "not set" : "empty"));
            }
            return new ResidualBlock(this);
        }
    }
}
