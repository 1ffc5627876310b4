package io.github.fastvision.core.layers;

import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Base of named layers that are a single {@link ConvBn} (FasterNet's embedding and merging), so
 * each keeps its own type and child name while sharing the forward and shape code.
 */
public abstract class ConvBnWrapper extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final ConvBn inner;

    /**
     * Wraps a conv-BN unit under the given child name.
     *
     * @param childName the child name (mirrors the official module name)
     * @param inner the unit
     */
    protected ConvBnWrapper(String childName, ConvBn inner) {
        super(VERSION);
        this.inner = addChildBlock(childName, inner);
    }

    /**
     * Returns the wrapped conv-BN unit.
     *
     * @return the unit
     */
    public ConvBn getConvBn() {
        return inner;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return inner.forward(ps, inputs, training);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inner.getOutputShapes(inputs);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        inner.initialize(manager, dataType, inputs);
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return inner.cost(input);
    }
}
