package io.github.fastvision.core.fasternet;

import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.ConvBnWrapper;

/**
 * FasterNet's merging layer between stages (FasterNet §3.4, Fig. 4): a 2×2 convolution with
 * stride 2 that doubles the channels, then BN. The child {@code reduction} is a foldable {@link ConvBn}.
 */
public class FasterNetMerging extends ConvBnWrapper {

    FasterNetMerging(Builder b) {
        super(
                "reduction",
                ConvBn.builder()
                        .setInChannels(b.inChannels)
                        .setOutChannels(b.outChannels > 0 ? b.outChannels : 2 * b.inChannels)
                        .optKernel(Checks.atLeast("patchSize", b.patchSize, 1))
                        .optStride(Checks.atLeast("patchStride", b.patchStride, 1))
                        .optPadding(0)
                        .build());
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link FasterNetMerging}. */
    public static final class Builder {
        private int inChannels;
        private int outChannels;
        private int patchSize = 2;
        private int patchStride = 2;

        Builder() {}

        /**
         * Sets the input channels (required).
         *
         * @param c input channels
         * @return this builder
         */
        public Builder setInChannels(int c) {
            inChannels = c;
            return this;
        }

        /**
         * Sets the output channels (default twice the input).
         *
         * @param c output channels
         * @return this builder
         */
        public Builder optOutChannels(int c) {
            outChannels = c;
            return this;
        }

        /**
         * Sets the kernel (default 2).
         *
         * @param k kernel size
         * @return this builder
         */
        public Builder optPatchSize(int k) {
            patchSize = k;
            return this;
        }

        /**
         * Sets the stride (default 2).
         *
         * @param s stride
         * @return this builder
         */
        public Builder optPatchStride(int s) {
            patchStride = s;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public FasterNetMerging build() {
            return new FasterNetMerging(this);
        }
    }
}
