package io.github.fastvision.core.anytime;

/**
 * How one forward pass runs the mask-aware layers: the current confidence mask (null until the
 * first exit has spoken, and always null for plain early exiting), whether masked convolutions
 * execute sparsely, and a running count of the multiply-adds actually performed with the masks
 * applied. One context per pass and thread.
 */
public final class AnytimeContext {

    private SpatialMask mask;
    private final boolean sparse;
    private final int radius;
    private double maxSparseDensity;
    private long macs;

    /**
     * Above this fraction of computed positions a masked convolution runs densely and multiplies by
     * the mask (same values), because the sparse gather of {@link SparseConv#conv2d} was measured
     * slower than the dense masked path above it on ADP-C's checkpoints (docs/results/anytime.md).
     */
    public static final double DEFAULT_MAX_SPARSE_DENSITY = 0.1;

    private AnytimeContext(Builder b) {
        if (b.radius < 1) {
            throw new IllegalArgumentException(
                    "interpolation radius must be >= 1 but was " + b.radius);
        }
        this.sparse = b.sparse;
        this.radius = b.radius;
        this.maxSparseDensity = checkMaxSparseDensity(b.maxSparseDensity);
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
     * A context without masks that only counts multiply-adds.
     *
     * @return the context
     */
    public static AnytimeContext dense() {
        return builder().build();
    }

    /**
     * Returns the mask in force, or null.
     *
     * @return the mask
     */
    public SpatialMask mask() {
        return mask;
    }

    /**
     * Puts a mask in force for the layers that follow (until the next exit replaces it).
     *
     * @param mask the mask, or null for none
     */
    public void setMask(SpatialMask mask) {
        this.mask = mask;
    }

    /**
     * Returns whether masked convolutions run sparsely at inference.
     *
     * @return true for sparse execution
     */
    public boolean sparse() {
        return sparse;
    }

    /**
     * Returns the density above which masked convolutions run densely.
     *
     * @return the fraction
     */
    public double maxSparseDensity() {
        return maxSparseDensity;
    }

    /**
     * Sets the density above which masked convolutions run densely (1 = always sparse).
     *
     * @param fraction in [0, 1]
     */
    public void setMaxSparseDensity(double fraction) {
        maxSparseDensity = checkMaxSparseDensity(fraction);
    }

    /**
     * Validates a sparse density limit.
     *
     * @param fraction the limit
     * @return the limit, when in [0, 1]
     * @throws IllegalArgumentException otherwise
     */
    public static double checkMaxSparseDensity(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException(
                    "sparse density limit must be in [0, 1] but was " + fraction);
        }
        return fraction;
    }

    /**
     * Returns the interpolation radius.
     *
     * @return r
     */
    public int radius() {
        return radius;
    }

    /**
     * Adds multiply-adds.
     *
     * @param n multiply-adds
     */
    public void addMacs(long n) {
        macs += n;
    }

    /**
     * Returns the multiply-adds counted so far in this pass (over the whole batch).
     *
     * @return multiply-adds
     */
    public long macs() {
        return macs;
    }

    /** Builder for {@link AnytimeContext}. */
    public static final class Builder {
        private boolean sparse;
        private int radius = RbfInterpolation.DEFAULT_RADIUS;
        private double maxSparseDensity = DEFAULT_MAX_SPARSE_DENSITY;

        Builder() {}

        /**
         * Says whether masked convolutions compute only their active positions when no gradient is
         * recorded (default false); training always runs dense-then-mask, which gives the same
         * values.
         *
         * @param enabled whether to execute sparsely at inference
         * @return this builder
         */
        public Builder optSparse(boolean enabled) {
            sparse = enabled;
            return this;
        }

        /**
         * Sets the RBF interpolation radius (default {@link RbfInterpolation#DEFAULT_RADIUS}).
         *
         * @param r the radius, at least 1
         * @return this builder
         */
        public Builder optRadius(int r) {
            radius = r;
            return this;
        }

        /**
         * Sets the density above which masked convolutions run densely (default {@link
         * #DEFAULT_MAX_SPARSE_DENSITY}; 1 = always sparse).
         *
         * @param fraction in [0, 1]
         * @return this builder
         */
        public Builder optMaxSparseDensity(double fraction) {
            maxSparseDensity = fraction;
            return this;
        }

        /**
         * Builds the context.
         *
         * @return the context
         * @throws IllegalArgumentException naming the first argument out of its range
         */
        public AnytimeContext build() {
            return new AnytimeContext(this);
        }
    }
}
