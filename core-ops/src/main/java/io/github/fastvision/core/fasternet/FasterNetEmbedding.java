package io.github.fastvision.core.fasternet;

import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.ConvBnWrapper;

/**
 * FasterNet's stem (FasterNet §3.4, Fig. 4): a non-overlapping 4×4 convolution with stride 4 and
 * BN, no activation. The child {@code proj} is a foldable {@link ConvBn}.
 */
public class FasterNetEmbedding extends ConvBnWrapper {

    private FasterNetEmbedding(Builder b) {
        super("proj", b);
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link FasterNetEmbedding}: 3 input channels and a 4×4 patch by default. */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(3, 4);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the image channels (default 3).
         *
         * @param c input channels
         * @return this builder
         */
        public Builder optInChannels(int c) {
            return inChannels(c);
        }

        /**
         * Sets the embedding width (required).
         *
         * @param c output channels
         * @return this builder
         */
        public Builder setEmbedDim(int c) {
            return outChannels(c);
        }

        /**
         * Builds the block.
         *
         * @return the block
         * @throws IllegalArgumentException naming the first argument out of its range
         */
        public FasterNetEmbedding build() {
            return new FasterNetEmbedding(this);
        }
    }
}
