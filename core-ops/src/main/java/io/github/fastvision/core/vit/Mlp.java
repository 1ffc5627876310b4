package io.github.fastvision.core.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;

/** Transformer MLP on the last axis: {@code fc1} (d → r·d), activation, {@code fc2} (r·d → d). */
public class Mlp extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final int dim;
    private final Act act;
    private final Linear fc1;
    private final Linear fc2;

    /**
     * Creates an MLP.
     *
     * @param dim input and output width
     * @param hidden hidden width
     * @param act activation between the layers
     */
    public Mlp(int dim, int hidden, Act act) {
        super(VERSION);
        this.dim = Checks.atLeast("dim", dim, 1);
        this.act = act;
        fc1 =
                addChildBlock(
                        "fc1",
                        Linear.builder().setUnits(Checks.atLeast("hidden", hidden, 1)).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(dim).build());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.tokens("Mlp", x.getShape(), dim);
        NDArray y = act.apply(ChildBlocks.forward(fc1, ps, x, training));
        return new NDList(ChildBlocks.forward(fc2, ps, y, training));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        ChildBlocks.init(
                fc2, manager, dataType, ChildBlocks.init(fc1, manager, dataType, inputs[0]));
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return Cost.from(input).then(fc1).then(fc2).done();
    }

    /**
     * Returns the hidden activation (read by exporters that rebuild the block's math).
     *
     * @return the hidden activation
     */
    public Act getAct() {
        return act;
    }
}
