package io.github.fastvision.core.pflayer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.core.layers.Pool2d;

/**
 * pflayer's replacement for self-attention (§4.2, appendix A, Fig. A.1d): a linear projection d →
 * 3d ({@code qkv}, the same width as attention's q, k, v), activation, tokens reshaped to their 2-D
 * grid, a spatial eff-layer (3×3 max-pool, or a k×k depthwise convolution for the dw-conv
 * comparison), activation, and a projection 3d → d ({@code proj}). The paper adds ReLU after the
 * first linear layer and after the eff-layer; the authors' released code uses GELU, so the
 * activation is configurable. Tokens must form a square grid (there is no class token; the model
 * uses global average pooling).
 */
public class PoolingTokenMixer extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;
    private static final String NAME = "PoolingTokenMixer";

    /** The spatial eff-layer. */
    public enum Spatial {
        /** k×k max-pool, stride 1 (the parameter-free variant). */
        MAX_POOL,
        /** k×k depthwise convolution with bias (the "dw-conv" variant of Table 6). */
        DWCONV
    }

    private final int dim;
    private final int hidden;
    private final int kernel;
    private final Spatial spatial;
    private final Act act;
    private final Linear qkv;
    private final Conv2d dwconv;
    private final Linear proj;

    private PoolingTokenMixer(Builder b) {
        super(VERSION);
        this.dim = Checks.atLeast("dim", b.dim, 1);
        hidden = dim * Checks.atLeast("projection ratio", b.ratio, 1);
        this.kernel = Checks.oddKernel("PoolingTokenMixer kernel", b.kernel);
        this.spatial = b.spatial;
        this.act = b.act;
        qkv = addChildBlock("qkv", Linear.builder().setUnits(hidden).build());
        dwconv =
                spatial == Spatial.DWCONV
                        ? addChildBlock(
                                "dwconv",
                                Conv2d.builder()
                                        .setKernelShape(new Shape(kernel, kernel))
                                        .setFilters(hidden)
                                        .optGroups(hidden)
                                        .optPadding(new Shape(kernel / 2, kernel / 2))
                                        .build())
                        : null;
        proj = addChildBlock("proj", Linear.builder().setUnits(dim).build());
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the side of the square token grid.
     *
     * @param tokens number of tokens L
     * @return sqrt(L)
     */
    static long gridSide(long tokens) {
        long side = Math.round(Math.sqrt(tokens));
        if (side * side != tokens) {
            throw new IllegalArgumentException(
                    NAME + " expects a square token grid (L = side²) but got L = " + tokens);
        }
        return side;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.tokens(NAME, x.getShape(), dim);
        long n = x.getShape().get(0);
        long len = x.getShape().get(1);
        long side = gridSide(len);
        NDArray y = act.apply(ChildBlocks.forward(qkv, ps, x, training));
        NDArray map = y.transpose(0, 2, 1).reshape(n, hidden, side, side);
        map =
                spatial == Spatial.MAX_POOL
                        ? Pool2d.pool(map, Pool2d.Mode.MAX, kernel, 1, kernel / 2)
                        : ChildBlocks.forward(dwconv, ps, map, training);
        y = act.apply(map.reshape(n, hidden, len).transpose(0, 2, 1));
        return new NDList(ChildBlocks.forward(proj, ps, y, training));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape in = inputs[0];
        Shape mid = ChildBlocks.init(qkv, manager, dataType, in);
        if (dwconv != null) {
            long side = gridSide(in.get(1));
            dwconv.initialize(manager, dataType, new Shape(in.get(0), hidden, side, side));
        }
        ChildBlocks.init(proj, manager, dataType, mid);
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input).then(qkv);
        if (dwconv != null) {
            long side = gridSide(input.get(1));
            acc.branch(dwconv, new Shape(input.get(0), hidden, side, side));
        }
        return acc.then(proj).done();
    }

    /**
     * Returns the spatial operator (read by exporters that rebuild the block's math).
     *
     * @return the spatial operator
     */
    public Spatial getSpatial() {
        return spatial;
    }

    /**
     * Returns the spatial window size (read by exporters that rebuild the block's math).
     *
     * @return the spatial window size
     */
    public int getKernel() {
        return kernel;
    }

    /**
     * Returns the activation around the spatial operator (read by exporters that rebuild the
     * block's math).
     *
     * @return the activation around the spatial operator
     */
    public Act getAct() {
        return act;
    }

    /** Builder for {@link PoolingTokenMixer}. */
    public static final class Builder {
        private int dim;
        private int ratio = 3;
        private Spatial spatial = Spatial.MAX_POOL;
        private int kernel = 3;
        private Act act = Act.RELU;

        Builder() {}

        /**
         * Sets the embedding width (required, at least 1).
         *
         * @param d dim
         * @return this builder
         */
        public Builder setDim(int d) {
            dim = d;
            return this;
        }

        /**
         * Sets the projection ratio (default 3, the paper's).
         *
         * @param r ratio, at least 1
         * @return this builder
         */
        public Builder optProjectionRatio(int r) {
            ratio = r;
            return this;
        }

        /**
         * Uses a k×k depthwise convolution instead of max-pool (the dw-conv variant of Table 6; the
         * paper uses k = 5).
         *
         * @param k odd kernel size
         * @return this builder
         */
        public Builder optDepthwiseConv(int k) {
            spatial = Spatial.DWCONV;
            kernel = k;
            return this;
        }

        /**
         * Sets the max-pool window (default 3).
         *
         * @param k odd kernel size
         * @return this builder
         */
        public Builder optPoolKernel(int k) {
            spatial = Spatial.MAX_POOL;
            kernel = k;
            return this;
        }

        /**
         * Sets the activation after the projection and after the eff-layer (default ReLU as in the
         * paper; the authors' code uses GELU).
         *
         * @param a activation
         * @return this builder
         */
        public Builder optAct(Act a) {
            act = a;
            return this;
        }

        /**
         * Builds the mixer.
         *
         * @return the block
         * @throws IllegalArgumentException naming the first argument out of its range
         */
        public PoolingTokenMixer build() {
            return new PoolingTokenMixer(this);
        }
    }
}
