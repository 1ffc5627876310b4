package io.github.fastvision.core.vit;

import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.Blocks;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.DropPath;
import io.github.fastvision.core.layers.LastAxisLayerNorm;

/**
 * Pre-norm transformer block on tokens (N, L, d): x + drop_path(mixer(norm1(x))), then x +
 * drop_path(mlp(norm2(x))). Subclasses choose the token mixer (self-attention, or pflayer's
 * pooling mixer). Children: {@code norm1}, {@code attn}, {@code norm2}, {@code mlp}, as in timm.
 */
public abstract class AbstractTransformerBlock extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final String name;
    private final int dim;
    private final float dropPath;
    private final LastAxisLayerNorm norm1;
    private final Block mixer;
    private final LastAxisLayerNorm norm2;
    private final Mlp mlp;

    /**
     * Builds the block around a token mixer.
     *
     * @param name the block type for error messages
     * @param dim embedding width
     * @param mlpRatio MLP hidden width / dim
     * @param dropPath drop-path rate in [0, 1)
     * @param mixer the token mixer, (N, L, d) → (N, L, d)
     */
    protected AbstractTransformerBlock(
            String name, int dim, double mlpRatio, float dropPath, Block mixer) {
        super(VERSION);
        this.name = name;
        this.dim = Checks.atLeast("dim", dim, 1);
        Checks.inHalfOpen("mlpRatio", mlpRatio, 0, 64);
        if (!(dropPath >= 0f && dropPath < 1f)) {
            throw new IllegalArgumentException("dropPath must be in [0, 1) but was " + dropPath);
        }
        this.dropPath = dropPath;
        norm1 = addChildBlock("norm1", new LastAxisLayerNorm(dim, 1e-6f));
        this.mixer = addChildBlock("attn", mixer);
        norm2 = addChildBlock("norm2", new LastAxisLayerNorm(dim, 1e-6f));
        mlp = addChildBlock("mlp", new Mlp(dim, (int) (dim * mlpRatio), Act.GELU));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.tokens(name, x.getShape(), dim);
        NDArray y = Blocks.forward(mixer, ps, Blocks.forward(norm1, ps, x, training), training);
        x = x.add(DropPath.apply(y, dropPath, training));
        y = Blocks.forward(mlp, ps, Blocks.forward(norm2, ps, x, training), training);
        return new NDList(x.add(DropPath.apply(y, dropPath, training)));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Checks.tokens(name, inputs[0], dim);
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        for (Block b : new Block[] {norm1, mixer, norm2, mlp}) {
            Blocks.init(b, manager, dataType, inputs[0]);
        }
    }

    /**
     * Returns the embedding width.
     *
     * @return dim
     */
    public int getDim() {
        return dim;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return Cost.from(input).then(norm1).then(mixer).then(norm2).then(mlp).done();
    }
}
