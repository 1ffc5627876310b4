package io.github.fastvision.core.fasternet;

import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.ConvBnWrapper;

/**
 * FasterNet's merging layer between stages (FasterNet §3.4, Fig. 4): a 2×2 convolution with stride
 * 2 that doubles the channels, then BN. The child {@code reduction} is a foldable {@link ConvBn}.
 */
public class FasterNetMerging extends ConvBnWrapper {

    private FasterNetMerging(Builder b) {
        super("reduction", b);
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
     * Builder for {@link FasterNetMerging}: a 2×2 patch and twice the input channels by default.
     */
    public static final class Builder extends BaseBuilder<Builder> {

        Builder() {
            super(0, 2);
        }

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the input channels (required).
         *
         * @param c input channels
         * @return this builder
         */
        public Builder setInChannels(int c) {
            return inChannels(c);
        }

        /**
         * Sets the output channels (default twice the input).
         *
         * @param c output channels
         * @return this builder
         */
        public Builder optOutChannels(int c) {
            return outChannels(c);
        }

        /** {@inheritDoc} */
        @Override
        protected int resolveOutChannels(int in, int set) {
            return set > 0 ? set : 2 * in;
        }

        /**
         * Builds the block.
         *
         * @return the block
         * @throws IllegalArgumentException naming the first argument out of its range
         */
        public FasterNetMerging build() {
            return new FasterNetMerging(this);
        }
    }
}
