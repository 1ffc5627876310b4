package io.github.fastvision.models.resnet;

/**
 * Which bottleneck each position of a ResNet gets (pflayer §4.1, Table 2, appendix A): B is the
 * regular bottleneck, E the efficient (parameter-free) one.
 */
public enum BlockPattern {
    /** B everywhere: the ResNet baselines. */
    REGULAR,
    /** E everywhere, the downsampling blocks included (E→E→E→E, "resnet50_max"). */
    ALL_EFFICIENT,
    /**
     * E everywhere except the stride-2 blocks, which stay regular with a 2×2 average pool before a
     * stride-1 3×3 conv (pflayer's hybrid, appendix A and resnet_pf.py).
     */
    HYBRID,
    /**
     * B and E alternately inside every stage, starting with B so that each stage's first
     * (downsampling) block is regular. The paper names this "E/B" without fixing the phase; this
     * reading is ours.
     */
    ALTERNATING;

    /** The block kind at one position. */
    public enum Kind {
        /** Regular bottleneck, strided 3×3 conv. */
        REGULAR,
        /** Regular bottleneck with 2×2 avg-pool downsampling. */
        REGULAR_AVG_DOWN,
        /** Efficient bottleneck. */
        EFFICIENT
    }

    /**
     * Returns the kind of block at a position.
     *
     * @param index the block's index inside its stage
     * @param stride the block's stride
     * @return the kind
     */
    public Kind kind(int index, int stride) {
        switch (this) {
            case REGULAR:
                return Kind.REGULAR;
            case ALL_EFFICIENT:
                return Kind.EFFICIENT;
            case HYBRID:
                return stride == 2 ? Kind.REGULAR_AVG_DOWN : Kind.EFFICIENT;
            case ALTERNATING:
                return index % 2 == 0 ? Kind.REGULAR : Kind.EFFICIENT;
            default:
                throw new AssertionError(this);
        }
    }
}
