package io.github.fastvision.pruning.budget;

import io.github.fastvision.training.recipe.OptimizerKind;
import io.github.fastvision.training.recipe.Recipe;
import io.github.fastvision.training.recipe.ScheduleKind;

/** The CIFAR training setup of thesis §3.4.4, as a recipe. */
public final class PruningRecipes {

    private PruningRecipes() {}

    /**
     * SGD with Nesterov momentum, lr 0.1 at batch 64, weight decay 10⁻⁴, 160 epochs, step decay
     * (×0.1 twice; the thesis decays at 50% and 75%, the project's step schedule at 1/3 and 2/3),
     * random 4-pixel pad-and-crop and horizontal flip.
     *
     * @param lr the initial learning rate at batch 64 (0.1; §3.7 also uses 0.01)
     * @return the recipe
     */
    public static Recipe cifar(double lr) {
        return Recipe.builder()
                .setName("cifar_pruning_lr" + lr)
                .setSource("thesis §3.4.4 (rethinking-network-pruning CIFAR setup)")
                .setOptimizer(OptimizerKind.SGD_NESTEROV)
                .setLr(lr, 64)
                .setWeightDecay(1e-4)
                .setEpochs(160)
                .setSchedule(ScheduleKind.STEP)
                .optFlip(true)
                .optPadCrop(4)
                .build();
    }
}
