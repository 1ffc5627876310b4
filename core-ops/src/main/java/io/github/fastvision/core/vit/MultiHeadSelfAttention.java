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
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;

/**
 * Multi-head self-attention (Vaswani et al. 2017) as in ViT: one {@code qkv} projection d → 3d,
 * scaled dot-product attention per head, output projection {@code proj}.
 */
public class MultiHeadSelfAttention extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final int dim;
    private final int heads;
    private final Linear qkv;
    private final Linear proj;

    /**
     * Creates the attention.
     *
     * @param dim embedding width
     * @param heads number of heads; must divide {@code dim}
     */
    public MultiHeadSelfAttention(int dim, int heads) {
        super(VERSION);
        this.dim = Checks.atLeast("dim", dim, 1);
        this.heads = Checks.atLeast("heads", heads, 1);
        Checks.divisible("dim", dim, heads, "heads");
        qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dim).build());
        proj = addChildBlock("proj", Linear.builder().setUnits(dim).build());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.tokens("MultiHeadSelfAttention", x.getShape(), dim);
        long n = x.getShape().get(0);
        long len = x.getShape().get(1);
        long headDim = dim / heads;
        NDArray qkvOut =
                ChildBlocks.forward(qkv, ps, x, training)
                        .reshape(n, len, 3, heads, headDim)
                        .transpose(2, 0, 3, 1, 4);
        NDArray q = qkvOut.get(0).mul(1.0 / Math.sqrt(headDim));
        NDArray k = qkvOut.get(1);
        NDArray v = qkvOut.get(2);
        NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
        NDArray out = attn.matMul(v).transpose(0, 2, 1, 3).reshape(n, len, dim);
        return new NDList(ChildBlocks.forward(proj, ps, out, training));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        ChildBlocks.init(qkv, manager, dataType, inputs[0]);
        ChildBlocks.init(proj, manager, dataType, inputs[0]);
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        long n = input.get(0);
        long len = input.get(1);
        // q·kᵀ and attention·v: 2 · L² · d multiply-adds per sample.
        return Cost.from(input)
                .then(qkv)
                .shape(input)
                .then(proj)
                .macs(2 * n * len * len * dim)
                .done();
    }

    /**
     * Returns the number of heads (read by exporters that rebuild the block's math).
     *
     * @return the number of heads
     */
    public int getHeads() {
        return heads;
    }

    /**
     * Returns the token width (read by exporters that rebuild the block's math).
     *
     * @return the token width
     */
    public int getDim() {
        return dim;
    }
}
