package io.github.fastvision.core.vit;

/**
 * The standard ViT block (Dosovitskiy et al. 2021; pflayer Fig. A.1b): pre-norm multi-head
 * self-attention and MLP, each with a residual connection. pflayer's ViT/PiT variants alternate it
 * with {@code io.github.fastvision.core.pflayer.EfficientTransformerBlock}.
 */
public class TransformerBlock extends AbstractTransformerBlock {

    private TransformerBlock(Builder b) {
        super("TransformerBlock", b, new MultiHeadSelfAttention(b.dim(), b.heads));
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link TransformerBlock}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private int heads;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the attention heads (required; must divide the width).
         *
         * @param h heads
         * @return this builder
         */
        public Builder setHeads(int h) {
            heads = h;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         * @throws IllegalArgumentException naming the first argument out of its range
         */
        public TransformerBlock build() {
            return new TransformerBlock(this);
        }
    }
}
