package io.github.fastvision.training;

import io.github.fastvision.training.recipe.Recipe;
import java.nio.file.Path;

/**
 * One training run.
 *
 * @param model the model's name (recorded in checkpoints; a resume must match it)
 * @param recipe the recipe
 * @param epochs total epochs of the run
 * @param batch batch size
 * @param imageSize square input side
 * @param stemStride the model's stem stride ({@link io.github.fastvision.models.ModelOptions}; 0 for
 *     the family's stem)
 * @param seed seed of initialization, data order, augmentation and stochastic depth
 * @param dataset the dataset's name, for records
 * @param out directory for checkpoint, metrics and weights, or null to write nothing
 * @param resume whether to continue from the checkpoint in {@code out}
 */
public record TrainConfig(
        String model,
        Recipe recipe,
        int epochs,
        int batch,
        int imageSize,
        int stemStride,
        long seed,
        String dataset,
        Path out,
        boolean resume) {

    /**
     * A run with the family's own stem.
     *
     * @param model the model's name
     * @param recipe the recipe
     * @param epochs total epochs
     * @param batch batch size
     * @param imageSize square input side
     * @param seed seed
     * @param dataset the dataset's name
     * @param out output directory or null
     * @param resume whether to resume
     */
    public TrainConfig(
            String model, Recipe recipe, int epochs, int batch, int imageSize, long seed, String dataset, Path out,
            boolean resume) {
        this(model, recipe, epochs, batch, imageSize, 0, seed, dataset, out, resume);
    }

    /** Validates the run. */
    public TrainConfig {
        if (stemStride < 0) {
            throw new IllegalArgumentException("stem stride must be >= 1 (or 0 for the family's stem) but was "
                    + stemStride);
        }
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1 but was " + epochs);
        }
        if (batch < 2) {
            throw new IllegalArgumentException("batch must be >= 2 (batch norm needs two images) but was " + batch);
        }
        if (imageSize < 8) {
            throw new IllegalArgumentException("image size must be >= 8 but was " + imageSize);
        }
        if (resume && out == null) {
            throw new IllegalArgumentException("resuming needs the run's output directory");
        }
    }
}
