package io.github.fastvision.models;

/**
 * Options every zoo model accepts. Unset values take the family's defaults.
 *
 * @param numClasses classifier outputs; 0 removes the classifier (pooled features out)
 * @param inputSize square input side used for counting and initialization (224 for ImageNet)
 * @param inChannels image channels (3 for RGB, 1 for Fashion-MNIST)
 * @param dropPath stochastic-depth rate of the last block, or a negative value for the variant's
 *     default
 * @param stemStride the patchify stem's patch size and stride for families that have one
 *     (FasterNet, hierarchical ConvNeXt; default 4), or 0 for the family's own stem. A stride of
 *     2 keeps 4× more positions in every stage, which small inputs such as 32×32 need (the
 *     stages of a 4×4 stem end at 1×1 there); it changes the stem's weight shape, so ImageNet
 *     checkpoints do not load into such a model.
 */
public record ModelOptions(int numClasses, int inputSize, int inChannels, float dropPath, int stemStride) {

    /** ImageNet defaults: 1000 classes, 224×224 RGB, the variant's drop-path rate. */
    public static final ModelOptions IMAGENET = new ModelOptions(1000, 224, 3, -1f);

    /**
     * Options with the family's own stem.
     *
     * @param numClasses classifier outputs
     * @param inputSize square input side
     * @param inChannels image channels
     * @param dropPath drop-path rate, or negative for the variant's default
     */
    public ModelOptions(int numClasses, int inputSize, int inChannels, float dropPath) {
        this(numClasses, inputSize, inChannels, dropPath, 0);
    }

    /** Validates the options. */
    public ModelOptions {
        if (stemStride < 0) {
            throw new IllegalArgumentException(
                    "stemStride must be >= 1 (or 0 for the family's stem) but was " + stemStride);
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
        if (dropPath >= 1f) {
            throw new IllegalArgumentException("dropPath must be < 1 but was " + dropPath);
        }
    }

    /**
     * Returns a copy with another class count.
     *
     * @param n classes
     * @return new options
     */
    public ModelOptions withNumClasses(int n) {
        return new ModelOptions(n, inputSize, inChannels, dropPath, stemStride);
    }

    /**
     * Returns a copy with another input size.
     *
     * @param size square side
     * @return new options
     */
    public ModelOptions withInputSize(int size) {
        return new ModelOptions(numClasses, size, inChannels, dropPath, stemStride);
    }

    /**
     * Returns a copy with another channel count.
     *
     * @param c image channels
     * @return new options
     */
    public ModelOptions withInChannels(int c) {
        return new ModelOptions(numClasses, inputSize, c, dropPath, stemStride);
    }

    /**
     * Returns a copy with another drop-path rate.
     *
     * @param rate rate in [0, 1)
     * @return new options
     */
    public ModelOptions withDropPath(float rate) {
        return new ModelOptions(numClasses, inputSize, inChannels, rate, stemStride);
    }

    /**
     * Returns a copy with another stem stride.
     *
     * @param stride the patch size and stride, or 0 for the family's stem
     * @return new options
     */
    public ModelOptions withStemStride(int stride) {
        return new ModelOptions(numClasses, inputSize, inChannels, dropPath, stride);
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
                    model + " has a fixed stem, but stemStride=" + stemStride + " was given; the stem stride option"
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
        return dropPath >= 0 ? dropPath : variantDefault;
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
}
