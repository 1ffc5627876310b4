package io.github.fastvision.models;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Options every zoo model accepts, built with {@link #builder()}; unset values take ImageNet's or
 * the family's defaults.
 *
 * <ul>
 *   <li>numClasses (required): classifier outputs (segmentation: classes of the per-pixel scores);
 *       0 removes the classifier (pooled features out)
 *   <li>inputSize (224): square input side used for counting and initialization
 *   <li>inChannels (3): image channels (1 for Fashion-MNIST)
 *   <li>dropPath (the variant's rate): stochastic-depth rate of the last block
 *   <li>stemStride (the family's stem): the patchify stem's patch size and stride for families that
 *       have one (FasterNet, hierarchical ConvNeXt; default 4). A stride of 2 keeps 4× more
 *       positions in every stage, which small inputs such as 32×32 need (the stages of a 4×4 stem
 *       end at 1×1 there); it changes the stem's weight shape, so ImageNet checkpoints do not load
 *       into such a model.
 * </ul>
 */
public final class ModelOptions {

    /** ImageNet defaults: 1000 classes, 224×224 RGB, the variant's drop-path rate. */
    public static final ModelOptions IMAGENET = builder().setNumClasses(1000).build();

    private final int numClasses;
    private final int inputSize;
    private final int inChannels;
    private final Float dropPath;
    private final int stemStride;
    private final int[] widths;

    private ModelOptions(
            int numClasses,
            int inputSize,
            int inChannels,
            Float dropPath,
            int stemStride,
            int[] widths) {
        this.numClasses = numClasses;
        this.inputSize = inputSize;
        this.inChannels = inChannels;
        this.dropPath = dropPath;
        this.stemStride = stemStride;
        this.widths = widths;
    }

    /**
     * Starts options; only the class count is required.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding these options.
     *
     * @return a builder
     */
    public Builder toBuilder() {
        Builder b =
                builder()
                        .setNumClasses(numClasses)
                        .optInputSize(inputSize)
                        .optInChannels(inChannels)
                        .optStemStride(stemStride);
        b.dropPath = dropPath;
        b.widths = widths;
        return b;
    }

    /**
     * Returns the per-layer channel widths that replace the variant's own, for families whose
     * architecture is a width table (a pruned model is the same variant at other widths).
     *
     * @return a copy of the widths, or empty for the variant's widths
     */
    public Optional<int[]> widths() {
        return widths == null ? Optional.empty() : Optional.of(widths.clone());
    }

    /**
     * Returns a copy with other per-layer widths.
     *
     * @param widths the widths, each >= 1, or null for the variant's own
     * @return the options
     */
    public ModelOptions withWidths(int[] widths) {
        return toBuilder().optWidths(widths).build();
    }

    /**
     * Returns the classifier outputs (0: none).
     *
     * @return classes
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Returns the square input side.
     *
     * @return pixels
     */
    public int inputSize() {
        return inputSize;
    }

    /**
     * Returns the image channels.
     *
     * @return channels
     */
    public int inChannels() {
        return inChannels;
    }

    /**
     * Returns the drop-path rate asked for.
     *
     * @return the rate, or empty for the variant's default
     */
    public Optional<Float> dropPath() {
        return Optional.ofNullable(dropPath);
    }

    /**
     * Returns the stem stride asked for.
     *
     * @return the patch size and stride, or 0 for the family's stem
     */
    public int stemStride() {
        return stemStride;
    }

    /**
     * Returns a copy with another class count.
     *
     * @param n classes
     * @return new options
     */
    public ModelOptions withNumClasses(int n) {
        return toBuilder().setNumClasses(n).build();
    }

    /**
     * Returns a copy with another input size.
     *
     * @param size square side
     * @return new options
     */
    public ModelOptions withInputSize(int size) {
        return toBuilder().optInputSize(size).build();
    }

    /**
     * Returns a copy with another channel count.
     *
     * @param c image channels
     * @return new options
     */
    public ModelOptions withInChannels(int c) {
        return toBuilder().optInChannels(c).build();
    }

    /**
     * Returns a copy with another drop-path rate.
     *
     * @param rate rate in [0, 1)
     * @return new options
     */
    public ModelOptions withDropPath(float rate) {
        return toBuilder().optDropPath(rate).build();
    }

    /**
     * Returns a copy that takes the variant's drop-path rate.
     *
     * @return new options
     */
    public ModelOptions withVariantDropPath() {
        Builder b = toBuilder();
        b.dropPath = null;
        return b.build();
    }

    /**
     * Returns a copy with another stem stride.
     *
     * @param stride the patch size and stride, or 0 for the family's stem
     * @return new options
     */
    public ModelOptions withStemStride(int stride) {
        return toBuilder().optStemStride(stride).build();
    }

    /**
     * Resolves the stem stride against a family default.
     *
     * @param familyDefault the family's patch size (4 for FasterNet and ConvNeXt)
     * @return the stride to use
     */
    public int stemStrideOr(int familyDefault) {
        return stemStride > 0 ? stemStride : familyDefault;
    }

    /**
     * Fails when a stem stride was asked of a model whose stem is not a patchify convolution.
     *
     * @param model the model's name, for the message
     * @return these options
     */
    public ModelOptions requireFamilyStem(String model) {
        if (stemStride != 0) {
            throw new IllegalArgumentException(
                    model
                            + " has a fixed stem, but stemStride="
                            + stemStride
                            + " was given; the stem stride option"
                            + " applies to the patchify stems of fasternet_* and (hierarchical) convnext_* models");
        }
        return this;
    }

    /**
     * Resolves the drop-path rate against a variant default.
     *
     * @param variantDefault the variant's rate
     * @return the rate to use
     */
    public float dropPathOr(float variantDefault) {
        return dropPath != null ? dropPath : variantDefault;
    }

    /**
     * Linearly increasing drop-path rates over all blocks, as timm and the official repositories
     * assign them.
     *
     * @param total number of blocks
     * @param maxRate rate of the last block
     * @return one rate per block
     */
    public static float[] dropPathSchedule(int total, float maxRate) {
        float[] rates = new float[total];
        for (int i = 0; i < total; i++) {
            rates[i] = total == 1 ? 0f : maxRate * i / (total - 1);
        }
        return rates;
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ModelOptions)) {
            return false;
        }
        ModelOptions other = (ModelOptions) o;
        return numClasses == other.numClasses
                && inputSize == other.inputSize
                && inChannels == other.inChannels
                && Objects.equals(dropPath, other.dropPath)
                && stemStride == other.stemStride
                && Arrays.equals(widths, other.widths);
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return Objects.hash(numClasses, inputSize, inChannels, dropPath, stemStride)
                + 31 * Arrays.hashCode(widths);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "ModelOptions[numClasses="
                + numClasses
                + ", inputSize="
                + inputSize
                + ", inChannels="
                + inChannels
                + ", dropPath="
                + (dropPath == null ? "variant default" : dropPath)
                + ", stemStride="
                + stemStride
                + (widths == null ? "" : ", widths=" + Arrays.toString(widths))
                + "]";
    }

    /** Collects options; {@link #setNumClasses} is required, the rest have defaults. */
    public static final class Builder {

        private Integer numClasses;
        private int inputSize = 224;
        private int inChannels = 3;
        private Float dropPath;
        private int stemStride;
        private int[] widths;

        private Builder() {}

        /**
         * Sets per-layer channel widths instead of the variant's (width-table families only).
         *
         * @param widths the widths, each >= 1, or null for the variant's own (default)
         * @return this
         */
        public Builder optWidths(int[] widths) {
            this.widths = widths == null ? null : widths.clone();
            return this;
        }

        /**
         * Sets the classifier outputs (segmentation: classes of the per-pixel scores).
         *
         * @param numClasses classes, >= 0 (0 removes the classifier)
         * @return this
         */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /**
         * Sets the square input side used for counting and initialization.
         *
         * @param inputSize pixels, >= 1 (default 224)
         * @return this
         */
        public Builder optInputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /**
         * Sets the image channels.
         *
         * @param inChannels channels, >= 1 (default 3)
         * @return this
         */
        public Builder optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /**
         * Sets the stochastic-depth rate of the last block instead of the variant's.
         *
         * @param rate rate in [0, 1)
         * @return this
         */
        public Builder optDropPath(float rate) {
            this.dropPath = rate;
            return this;
        }

        /**
         * Sets the patchify stem's patch size and stride.
         *
         * @param stride >= 1, or 0 for the family's stem (default)
         * @return this
         */
        public Builder optStemStride(int stride) {
            this.stemStride = stride;
            return this;
        }

        /**
         * Validates and builds the options.
         *
         * @return the options
         */
        public ModelOptions build() {
            if (numClasses == null) {
                throw new IllegalArgumentException("numClasses must be set (>= 0)");
            }
            if (stemStride < 0) {
                throw new IllegalArgumentException(
                        "stemStride must be >= 1 (or 0 for the family's stem) but was "
                                + stemStride);
            }
            if (numClasses < 0) {
                throw new IllegalArgumentException("numClasses must be >= 0 but was " + numClasses);
            }
            if (inputSize < 1) {
                throw new IllegalArgumentException("inputSize must be >= 1 but was " + inputSize);
            }
            if (inChannels < 1) {
                throw new IllegalArgumentException("inChannels must be >= 1 but was " + inChannels);
            }
            if (dropPath != null && !(dropPath >= 0f && dropPath < 1f)) {
                throw new IllegalArgumentException(
                        "dropPath must be in [0, 1) but was " + dropPath);
            }
            if (widths != null) {
                for (int i = 0; i < widths.length; i++) {
                    if (widths[i] < 1) {
                        throw new IllegalArgumentException(
                                "widths[" + i + "] must be >= 1 but was " + widths[i]);
                    }
                }
            }
            return new ModelOptions(
                    numClasses, inputSize, inChannels, dropPath, stemStride, widths);
        }
    }
}
