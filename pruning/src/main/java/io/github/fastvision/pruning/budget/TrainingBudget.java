package io.github.fastvision.pruning.budget;

import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.recipe.Recipe;
import io.github.fastvision.training.recipe.ScheduleKind;

/**
 * The training budgets of thesis §3.4.3 and §3.4.4 for a pruned model, derived from the large
 * model's run: fine-tuning at the lowest learning rate of that run for a quarter of its epochs
 * (CIFAR: 40 of 160), Scratch-E (the same epochs) and Scratch-B (the same FLOPs, at most twice the
 * epochs; the schedule stretches with the epochs, so step decays move proportionally).
 */
public enum TrainingBudget {
    /** Inherited weights, lowest learning rate of the original run, a quarter of its epochs. */
    FINE_TUNE,
    /** From scratch, the same epochs and schedule. */
    SCRATCH_E,
    /** From scratch, epochs × min(2, FLOPs ratio): the same computation, at most doubled. */
    SCRATCH_B;

    /**
     * Derives the run for a pruned model.
     *
     * @param original the large model's run
     * @param flopsRatio the large model's FLOPs over the pruned model's, >= 1
     * @return the pruned model's run (same batch, data, seed and output settings)
     */
    public TrainConfig configure(TrainConfig original, double flopsRatio) {
        if (!(flopsRatio >= 1)) {
            throw new IllegalArgumentException(
                    "flopsRatio must be >= 1 (large over pruned FLOPs) but was " + flopsRatio);
        }
        int epochs = original.epochs();
        Recipe recipe = original.recipe();
        switch (this) {
            case FINE_TUNE:
                return original.toBuilder()
                        .setEpochs(Math.max(1, (int) Math.round(epochs / 4.0)))
                        .setRecipe(
                                recipe.toBuilder()
                                        .setName(recipe.name() + "-finetune")
                                        .setLr(lowestLr(recipe), recipe.referenceBatch())
                                        .setSchedule(ScheduleKind.CONSTANT)
                                        .optWarmupEpochs(0)
                                        .build())
                        .build();
            case SCRATCH_E:
                return original;
            default:
                return original.toBuilder()
                        .setEpochs((int) Math.round(epochs * Math.min(2.0, flopsRatio)))
                        .build();
        }
    }

    /**
     * The lowest learning rate a recipe's schedule reaches (at its reference batch).
     *
     * @param recipe the recipe
     * @return lr · 0.01 for the step schedule, lr · 0.001 (the floor) for cosine, lr for constant
     */
    public static double lowestLr(Recipe recipe) {
        switch (recipe.schedule()) {
            case STEP:
                return recipe.lr() * 0.01;
            case COSINE:
                return recipe.lr() * 1e-3;
            default:
                return recipe.lr();
        }
    }
}
