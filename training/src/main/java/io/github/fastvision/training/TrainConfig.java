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
        long seed,
        String dataset,
        Path out,
        boolean resume) {

    /** Validates the run. */
    public TrainConfig {
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
