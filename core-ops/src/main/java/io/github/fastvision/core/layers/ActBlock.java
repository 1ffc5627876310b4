package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;

/** An activation as a block, for sequential containers (heads). */
public class ActBlock extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final Act act;

    /**
     * Creates the block.
     *
     * @param act the activation
     */
    public ActBlock(Act act) {
        super(VERSION);
        this.act = act;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(act.apply(inputs.singletonOrThrow()));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return new Cost(0, 0, input);
    }

    /**
     * Returns the activation (read by exporters that rebuild the block's math).
     *
     * @return the activation
     */
    public Act getAct() {
        return act;
    }
}
