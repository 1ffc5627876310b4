package io.github.fastvision.core.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.core.layers.DropPath;
import io.github.fastvision.core.layers.LastAxisLayerNorm;

/**
 * Pre-norm transformer block on tokens (N, L, d): x + drop_path(mixer(norm1(x))), then x +
 * drop_path(mlp(norm2(x))). Subclasses choose the token mixer (self-attention, or pflayer's pooling
 * mixer). Children: {@code norm1}, {@code attn}, {@code norm2}, {@code mlp}, as in timm.
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
     * @param b the common settings: width, MLP ratio, drop-path rate
     * @param mixer the token mixer, (N, L, d) → (N, L, d)
     */
    protected AbstractTransformerBlock(String name, BaseBuilder<?> b, Block mixer) {
        super(VERSION);
        this.name = name;
        int dim = Checks.atLeast("dim", b.dim, 1);
        double mlpRatio = Checks.inHalfOpen("mlpRatio", b.mlpRatio, 0, 64);
        float dropPath = b.dropPath;
        if (!(dropPath >= 0f && dropPath < 1f)) {
            throw new IllegalArgumentException("dropPath must be in [0, 1) but was " + dropPath);
        }
        this.dim = dim;
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
        NDArray y =
                ChildBlocks.forward(
                        mixer, ps, ChildBlocks.forward(norm1, ps, x, training), training);
        x = x.add(DropPath.apply(y, dropPath, training));
        y = ChildBlocks.forward(mlp, ps, ChildBlocks.forward(norm2, ps, x, training), training);
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
            ChildBlocks.init(b, manager, dataType, inputs[0]);
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

    /**
     * The settings every transformer block shares (DJL's {@code Convolution.Builder} pattern: one
     * generic builder, {@link #self()} returns the concrete one).
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {
        int dim;
        double mlpRatio = 4;
        float dropPath;

        /**
         * Returns this builder.
         *
         * @return this
         */
        protected abstract T self();

        /**
         * Sets the embedding width (required, at least 1).
         *
         * @param d dim
         * @return this builder
         */
        public T setDim(int d) {
            dim = d;
            return self();
        }

        /**
         * Sets the MLP hidden width / dim (default 4, ViT's).
         *
         * @param r ratio in (0, 64]
         * @return this builder
         */
        public T optMlpRatio(double r) {
            mlpRatio = r;
            return self();
        }

        /**
         * Sets the drop-path rate (default 0).
         *
         * @param rate rate in [0, 1)
         * @return this builder
         */
        public T optDropPath(float rate) {
            dropPath = rate;
            return self();
        }

        /**
         * Returns the embedding width set so far.
         *
         * @return dim
         */
        protected int dim() {
            return dim;
        }
    }
}
