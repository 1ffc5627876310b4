package io.github.fastvision.core.pflayer;

import io.github.fastvision.core.resnet.AbstractBottleneck;

/**
 * pflayer's efficient bottleneck (§3.2, §4.1, appendix A, Fig. A.1c): the ResNet bottleneck with
 * its 3×3 conv-BN-ReLU triplet replaced by a parameter-free 3×3 pooling (stride 1 or 2) with
 * nothing after it. Reduction (1×1 conv-BN-ReLU), expansion (1×1 conv-BN), optional SE and the
 * strided 1×1 conv-BN shortcut are unchanged. The spatial child is {@code pool}.
 */
public class EfficientBottleneck extends AbstractBottleneck {

    private final ParameterFreeOp op;

    EfficientBottleneck(Builder b) {
        super("EfficientBottleneck", b, "pool", b.op.create(b.reducedWidth(), b.stride()));
        op = b.op;
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
     * Returns the spatial operation.
     *
     * @return the parameter-free op
     */
    public ParameterFreeOp getOp() {
        return op;
    }

    /** Builder for {@link EfficientBottleneck}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private ParameterFreeOp op = ParameterFreeOp.MAX_POOL;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the inner width instead of {@link #width()}, as a pruned block has it: the 1×1
         * reduction's outputs, which the parameter-free op keeps and the 1×1 expansion reads.
         *
         * @param width channels, >= 1
         * @return this builder
         */
        public Builder optInnerWidth(int width) {
            return innerWidths(width, width);
        }

        /**
         * Sets the spatial operation (default 3×3 max-pool).
         *
         * @param o the operation
         * @return this builder
         */
        public Builder optOp(ParameterFreeOp o) {
            op = o;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public EfficientBottleneck build() {
            return new EfficientBottleneck(this);
        }
    }
}
