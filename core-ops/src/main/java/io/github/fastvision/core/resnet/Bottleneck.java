package io.github.fastvision.core.resnet;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.Pool2d;

/**
 * ResNet's bottleneck (He et al. 2016; the "B" block of pflayer Table 2): 1×1 → 3×3 conv-BN-ReLU →
 * 1×1, with groups and base width for ResNeXt / Wide-ResNet and an optional SE. The spatial child
 * is {@code conv2}.
 *
 * <p>{@link Downsampling#AVG_POOL} gives pflayer's hybrid downsampling bottleneck (appendix A): at
 * stride 2 a 2×2 average pool comes before the 3×3 convolution, which then runs at stride 1 on a
 * quarter of the positions.
 */
public class Bottleneck extends AbstractBottleneck {

    /** Where a stride-2 bottleneck reduces the resolution. */
    public enum Downsampling {
        /** The 3×3 convolution has stride 2 (torchvision). */
        STRIDED_CONV,
        /** 2×2 average pool, then a stride-1 3×3 convolution (pflayer hybrid, appendix A). */
        AVG_POOL
    }

    private final Downsampling downsampling;

    Bottleneck(Builder b) {
        super("Bottleneck", b, "conv2", spatial(b));
        downsampling = b.downsampling;
    }

    private static Block spatial(Builder b) {
        boolean pooled = b.downsampling == Downsampling.AVG_POOL && b.stride == 2;
        ConvBn conv =
                ConvBn.builder()
                        .setInChannels(b.reducedWidth())
                        .setOutChannels(b.spatialWidth())
                        .optKernel(3)
                        .optStride(pooled ? 1 : b.stride)
                        .optGroups(b.groups)
                        .optAct(Act.RELU)
                        .build();
        if (!pooled) {
            return conv;
        }
        return new SequentialBlock()
                .add(
                        Pool2d.builder()
                                .setMode(Pool2d.Mode.AVG)
                                .setKernel(2)
                                .optStride(2)
                                .optPadding(0)
                                .build())
                .add(conv);
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    protected void validateSpatial(Shape input) {
        if (downsampling == Downsampling.AVG_POOL
                && getStride() == 2
                && (input.get(2) % 2 != 0 || input.get(3) % 2 != 0)) {
            throw new IllegalArgumentException(
                    "hybrid downsampling Bottleneck (2x2 avg-pool) expects even H and W but got "
                            + input);
        }
    }

    /**
     * Returns how the block downsamples.
     *
     * @return the downsampling mode
     */
    public Downsampling getDownsampling() {
        return downsampling;
    }

    /** Builder for {@link Bottleneck}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private Downsampling downsampling = Downsampling.STRIDED_CONV;

        Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets how a stride-2 block downsamples (default strided 3×3 conv).
         *
         * @param d the downsampling mode
         * @return this builder
         */
        public Builder optDownsampling(Downsampling d) {
            downsampling = d;
            return this;
        }

        /**
         * Sets the two inner widths instead of {@link #width()}: the outputs of the 1×1 reduction
         * ({@code conv1}) and of the 3×3 convolution ({@code conv2}), as a pruned bottleneck has
         * them. The block's output width stays planes × 4 (it is shared with the shortcut).
         *
         * @param reduced conv1's outputs, >= 1, a multiple of the groups
         * @param spatial conv2's outputs, >= 1, a multiple of the groups
         * @return this builder
         */
        public Builder optInnerWidths(int reduced, int spatial) {
            return innerWidths(reduced, spatial);
        }

        /**
         * Validates the inner widths against the groups and builds the block.
         *
         * @return the block
         */
        public Bottleneck build() {
            if (reducedWidth() % groups != 0 || spatialWidth() % groups != 0) {
                throw new IllegalArgumentException(
                        "Bottleneck inner widths must be multiples of groups="
                                + groups
                                + " but were "
                                + reducedWidth()
                                + " and "
                                + spatialWidth());
            }
            return new Bottleneck(this);
        }
    }
}
