package io.github.fastvision.core.pflayer;

import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.vit.AbstractTransformerBlock;

/**
 * pflayer's efficient transformer block (§4.2, appendix A, Fig. A.1d): the ViT block with its
 * self-attention replaced by a {@link PoolingTokenMixer} (projection ×3, 3×3 max-pool on the 2-D
 * token grid, ReLU), MLP unchanged. Models alternate it with the regular
 * {@link io.github.fastvision.core.vit.TransformerBlock} (even blocks attention, odd blocks
 * pooling, as in the authors' code).
 */
public class EfficientTransformerBlock extends AbstractTransformerBlock {

    EfficientTransformerBlock(Builder b) {
        super(
                "EfficientTransformerBlock",
                b.dim,
                b.mlpRatio,
                b.dropPath,
                new PoolingTokenMixer(b.dim, b.projectionRatio, b.spatial, b.kernel, b.act));
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link EfficientTransformerBlock}. */
    public static final class Builder {
        private int dim;
        private double mlpRatio = 4;
        private float dropPath;
        private int projectionRatio = 3;
        private PoolingTokenMixer.Spatial spatial = PoolingTokenMixer.Spatial.MAX_POOL;
        private int kernel = 3;
        private Act act = Act.RELU;

        Builder() {}

        /**
         * Sets the embedding width (required).
         *
         * @param d dim
         * @return this builder
         */
        public Builder setDim(int d) {
            dim = d;
            return this;
        }

        /**
         * Sets the MLP ratio (default 4).
         *
         * @param r ratio
         * @return this builder
         */
        public Builder optMlpRatio(double r) {
            mlpRatio = r;
            return this;
        }

        /**
         * Sets the drop-path rate (default 0).
         *
         * @param rate rate in [0, 1)
         * @return this builder
         */
        public Builder optDropPath(float rate) {
            dropPath = rate;
            return this;
        }

        /**
         * Sets the projection ratio of the mixer (default 3).
         *
         * @param r ratio
         * @return this builder
         */
        public Builder optProjectionRatio(int r) {
            projectionRatio = r;
            return this;
        }

        /**
         * Uses a k×k depthwise convolution instead of max-pool (the dw-conv variant; the paper
         * uses k = 5).
         *
         * @param k odd kernel size
         * @return this builder
         */
        public Builder optDepthwiseConv(int k) {
            spatial = PoolingTokenMixer.Spatial.DWCONV;
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
            spatial = PoolingTokenMixer.Spatial.MAX_POOL;
            kernel = k;
            return this;
        }

        /**
         * Sets the mixer activation (default ReLU as in the paper; the authors' code uses GELU).
         *
         * @param a activation
         * @return this builder
         */
        public Builder optAct(Act a) {
            act = a;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public EfficientTransformerBlock build() {
            return new EfficientTransformerBlock(this);
        }
    }
}
