package io.github.fastvision.models;

import java.util.function.Function;

/**
 * One registry entry: a zoo name, its family, the paper's numbers and how to build it.
 *
 * @param name zoo name, e.g. "fasternet_t0"
 * @param family family name, e.g. "FasterNet"
 * @param reference the paper's printed params/FLOPs, or null (test variants)
 * @param note what a reader of the zoo table should know (e.g. a reconstruction), or ""
 * @param factory builds the model for options
 */
public record ModelInfo(
        String name,
        String family,
        PaperReference reference,
        String note,
        Function<ModelOptions, VisionModel> factory) {

    /**
     * Builds the model with ImageNet defaults.
     *
     * @return an uninitialized model
     */
    public VisionModel create() {
        return factory.apply(ModelOptions.IMAGENET);
    }

    /**
     * Builds the model.
     *
     * @param options the options
     * @return an uninitialized model
     */
    public VisionModel create(ModelOptions options) {
        return factory.apply(options);
    }

    /**
     * Returns whether this is a tiny test variant rather than a paper model.
     *
     * @return true for "test_*" names
     */
    public boolean isTestVariant() {
        return name.startsWith("test_");
    }
}
