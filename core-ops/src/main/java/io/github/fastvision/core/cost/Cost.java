package io.github.fastvision.core.cost;

import ai.djl.ndarray.types.Shape;

/**
 * Trainable parameters, multiply-adds and output shape of a block for one input shape, computed
 * from shapes alone: no weights are allocated, so a 350M-parameter model is counted in
 * milliseconds.
 *
 * <p>Multiply-adds follow the papers' convention (fvcore / thop): convolutions, linear layers and
 * the attention matrix products count; normalization, activations, pooling and element-wise
 * additions do not (BN is folded away at inference). Counts include the batch dimension of the
 * input shape, so count at batch 1.
 *
 * @param params trainable parameters (BN running statistics excluded)
 * @param macs multiply-accumulate operations
 * @param output the output shape
 */
public record Cost(long params, long macs, Shape output) {

    /**
     * Returns the cost of any block: {@link Countable} blocks count themselves, DJL's built-in
     * layers are counted here.
     *
     * @param block the block
     * @param input its input shape
     * @return its cost
     */
    public static Cost of(ai.djl.nn.Block block, Shape input) {
        return CostModel.of(block, input);
    }

    /**
     * Starts an accumulation at the given input shape.
     *
     * @param input the input shape
     * @return an accumulator
     */
    public static Accumulator from(Shape input) {
        return new Accumulator(input);
    }

    /** Sums the costs of a block's children while tracking the current shape. */
    public static final class Accumulator {
        private long params;
        private long macs;
        private Shape shape;

        Accumulator(Shape input) {
            shape = input;
        }

        /**
         * Adds a child applied to the current shape; the current shape becomes its output.
         *
         * @param block the child
         * @return this
         */
        public Accumulator then(ai.djl.nn.Block block) {
            Cost c = CostModel.of(block, shape);
            params += c.params();
            macs += c.macs();
            shape = c.output();
            return this;
        }

        /**
         * Adds a child applied to another shape (a branch such as a shortcut); the current shape is
         * unchanged.
         *
         * @param block the child
         * @param input the child's input shape
         * @return this
         */
        public Accumulator branch(ai.djl.nn.Block block, Shape input) {
            Cost c = CostModel.of(block, input);
            params += c.params();
            macs += c.macs();
            return this;
        }

        /**
         * Adds parameters held directly by the block.
         *
         * @param n parameter count
         * @return this
         */
        public Accumulator params(long n) {
            params += n;
            return this;
        }

        /**
         * Adds multiply-adds computed directly by the block.
         *
         * @param n multiply-adds
         * @return this
         */
        public Accumulator macs(long n) {
            macs += n;
            return this;
        }

        /**
         * Replaces the current shape (reshapes, permutes, pooling).
         *
         * @param s the new shape
         * @return this
         */
        public Accumulator shape(Shape s) {
            shape = s;
            return this;
        }

        /**
         * Returns the current shape.
         *
         * @return the shape
         */
        public Shape shape() {
            return shape;
        }

        /**
         * Finishes with the current shape as output.
         *
         * @return the total
         */
        public Cost done() {
            return new Cost(params, macs, shape);
        }

        /**
         * Finishes with an explicit output shape.
         *
         * @param output the output shape
         * @return the total
         */
        public Cost done(Shape output) {
            return new Cost(params, macs, output);
        }
    }
}
