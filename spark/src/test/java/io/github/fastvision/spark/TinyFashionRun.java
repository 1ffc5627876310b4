package io.github.fastvision.spark;

import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.InMemoryDataset;
import io.github.fastvision.training.loop.ZooTrainer;
import io.github.fastvision.training.recipe.Recipes;
import java.io.IOException;
import java.nio.file.Path;

/** The Spark tests' fixtures: a briefly trained model and Fashion-MNIST images as PNG files. */
final class TinyFashionRun {

    private TinyFashionRun() {}

    /**
     * Trains {@code model} for a few steps on the bundled Fashion-MNIST subset, so that its
     * predictions depend on the image (random weights would predict one class for all).
     *
     * @return the run directory, which holds the weights
     */
    static Path train(
            Path run, String model, InMemoryDataset test, int steps, int batch, int imageSize)
            throws IOException {
        DatasetSplit bundled = FashionMnist.loadBundledSubset();
        ZooTrainer.train(
                TrainConfig.builder()
                        .setModel(model)
                        .setRecipe(Recipes.get(Recipes.SMALL))
                        .setEpochs(1)
                        .optMaxSteps(steps)
                        .setBatch(batch)
                        .setImageSize(imageSize)
                        .optSeed(7)
                        .optOut(run)
                        .build(),
                new DatasetSplit(bundled.train(), test),
                TrainingLoopListener.NONE);
        return run;
    }
}
