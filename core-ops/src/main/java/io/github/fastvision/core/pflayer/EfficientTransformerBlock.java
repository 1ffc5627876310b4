package io.github.fastvision.core.pflayer;

import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.vit.AbstractTransformerBlock;

/**
 * pflayer's efficient transformer block (§4.2, appendix A, Fig. A.1d): the ViT block with its
 * self-attention replaced by a {@link PoolingTokenMixer} (projection ×3, 3×3 max-pool on the 2-D
 * token grid, ReLU), MLP unchanged. Models alternate it with the regular {@link
 * io.github.fastvision.core.vit.TransformerBlock} (even blocks attention, odd blocks pooling, as in
 * the authors' code).
 */
public class EfficientTransformerBlock extends AbstractTransformerBlock {

    private EfficientTransformerBlock(Builder b, PoolingTokenMixer mixer) {
        super("EfficientTransformerBlock", b, mixer);
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
     * Builder for {@link EfficientTransformerBlock}; the mixer settings go to its {@link
     * PoolingTokenMixer}.
     */
    public static final class Builder extends BaseBuilder<Builder> {
        private final PoolingTokenMixer.Builder mixer = PoolingTokenMixer.builder();

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the projection ratio of the mixer (default 3).
         *
         * @param r ratio
         * @return this builder
         */
        public Builder optProjectionRatio(int r) {
            mixer.optProjectionRatio(r);
            return this;
        }

        /**
         * Uses a k×k depthwise convolution instead of max-pool (the dw-conv variant; the paper uses
         * k = 5).
         *
         * @param k odd kernel size
         * @return this builder
         */
        public Builder optDepthwiseConv(int k) {
            mixer.optDepthwiseConv(k);
            return this;
        }

        /**
         * Sets the max-pool window (default 3).
         *
         * @param k odd kernel size
         * @return this builder
         */
        public Builder optPoolKernel(int k) {
            mixer.optPoolKernel(k);
            return this;
        }

        /**
         * Sets the mixer activation (default ReLU as in the paper; the authors' code uses GELU).
         *
         * @param a activation
         * @return this builder
         */
        public Builder optAct(Act a) {
            mixer.optAct(a);
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         * @throws IllegalArgumentException naming the first argument out of its range
         */
        public EfficientTransformerBlock build() {
            return new EfficientTransformerBlock(this, mixer.setDim(dim()).build());
        }
    }
}
