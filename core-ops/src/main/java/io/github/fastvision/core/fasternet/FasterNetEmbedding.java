package io.github.fastvision.core.fasternet;

import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.ConvBnWrapper;

/**
 * FasterNet's stem (FasterNet §3.4, Fig. 4): a non-overlapping 4×4 convolution with stride 4 and
 * BN, no activation. The child {@code proj} is a foldable {@link ConvBn}.
 */
public class FasterNetEmbedding extends ConvBnWrapper {

    FasterNetEmbedding(Builder b) {
        super(
                "proj",
                ConvBn.builder()
                        .setInChannels(b.inChannels)
                        .setOutChannels(b.embedDim)
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

    /** Builder for {@link FasterNetEmbedding}. */
    public static final class Builder {
        private int inChannels = 3;
        private int embedDim;
        private int patchSize = 4;
        private int patchStride = 4;

        Builder() {}

        /**
         * Sets the image channels (default 3).
         *
         * @param c input channels
         * @return this builder
         */
        public Builder optInChannels(int c) {
            inChannels = c;
            return this;
        }

        /**
         * Sets the embedding width (required).
         *
         * @param c output channels
         * @return this builder
         */
        public Builder setEmbedDim(int c) {
            embedDim = c;
            return this;
        }

        /**
         * Sets the patch kernel (default 4).
         *
         * @param k kernel size
         * @return this builder
         */
        public Builder optPatchSize(int k) {
            patchSize = k;
            return this;
        }

        /**
         * Sets the patch stride (default 4).
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
        public FasterNetEmbedding build() {
            return new FasterNetEmbedding(this);
        }
    }
}
