package io.github.fastvision.models;

/**
 * Options every zoo model accepts. Unset values take the family's defaults.
 *
 * @param numClasses classifier outputs; 0 removes the classifier (pooled features out)
 * @param inputSize square input side used for counting and initialization (224 for ImageNet)
 * @param inChannels image channels (3 for RGB, 1 for Fashion-MNIST)
 * @param dropPath stochastic-depth rate of the last block, or a negative value for the variant's
 *     default
 */
public record ModelOptions(int numClasses, int inputSize, int inChannels, float dropPath) {

    /** ImageNet defaults: 1000 classes, 224×224 RGB, the variant's drop-path rate. */
    public static final ModelOptions IMAGENET = new ModelOptions(1000, 224, 3, -1f);

    /** Validates the options. */
    public ModelOptions {
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
        return new ModelOptions(n, inputSize, inChannels, dropPath);
    }

    /**
     * Returns a copy with another input size.
     *
     * @param size square side
     * @return new options
     */
    public ModelOptions withInputSize(int size) {
        return new ModelOptions(numClasses, size, inChannels, dropPath);
    }

    /**
     * Returns a copy with another channel count.
     *
     * @param c image channels
     * @return new options
     */
    public ModelOptions withInChannels(int c) {
        return new ModelOptions(numClasses, inputSize, c, dropPath);
    }

    /**
     * Returns a copy with another drop-path rate.
     *
     * @param rate rate in [0, 1)
     * @return new options
     */
    public ModelOptions withDropPath(float rate) {
        return new ModelOptions(numClasses, inputSize, inChannels, rate);
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
