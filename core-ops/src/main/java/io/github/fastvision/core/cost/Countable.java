package io.github.fastvision.core.cost;

import ai.djl.ndarray.types.Shape;

/** A block that reports its parameters and multiply-adds from its input shape alone. */
public interface Countable {

    /**
     * Counts this block for an input shape without allocating anything.
     *
     * @param input the input shape
     * @return parameters, multiply-adds and output shape
     */
    Cost cost(Shape input);
}
