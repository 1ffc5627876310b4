package io.github.fastvision.examples.anytime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.fastvision.examples.data.FashionMnistMosaic;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import io.github.fastvision.models.anytime.AnytimeVariant;
import io.github.fastvision.training.LossDivergedException;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainResult;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.loop.TrainingLoop;
import io.github.fastvision.training.recipe.OptimizerKind;
import io.github.fastvision.training.recipe.Recipe;
import io.github.fastvision.training.recipe.ScheduleKind;
import io.github.fastvision.training.task.DensePredictionTask;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Trains one anytime variant through the project's {@link TrainingLoop} on a {@link
 * DensePredictionTask} (every exit's cross-entropy with weight 1, Eq. 2.1), AdamW with cosine
 * decay. EE trains for a time budget; the other variants train the step count EE reached. ADP-C
 * trains without confidence adaptivity (threshold 1, nothing skipped) for {@link
 * AnytimeConfig#caWarmupFraction()} of its steps and with it afterwards, switched by a {@link
 * TrainingLoopListener} at the step where that share is reached (thesis §2.4.5: near-uniform early
 * predictions give no confident positions to skip).
 */
final class AnytimeTraining {

    /** Steps between progress lines. */
    private static final int REPORT_EVERY = 25;

    private AnytimeTraining() {}

    /**
     * The recipe: AdamW at the configured peak learning rate for the configured batch, weight decay
     * 0.05, cosine decay without warm-up, no augmentation.
     *
     * @param config the settings
     * @return the recipe
     */
    static Recipe recipe(AnytimeConfig config) {
        return Recipe.builder()
                .setName("anytime_adamw")
                .setSource("thesis §2.4: AdamW with cosine decay")
                .setOptimizer(OptimizerKind.ADAMW)
                .setLr(config.learningRate(), config.batch())
                .setWeightDecay(0.05)
                .setEpochs(1)
                .setSchedule(ScheduleKind.COSINE)
                .build();
    }

    /**
     * Trains a model.
     *
     * @param model the initialized model
     * @param manager its manager
     * @param data the training mosaics
     * @param config the settings
     * @param fixedSteps the steps to train, or a value below 1 to train for EE's time budget
     * @param say progress lines
     * @return the run's outcome (steps in {@link TrainResult#steps()})
     * @throws LossDivergedException on a NaN or infinite loss; nothing is saved then
     */
    static TrainResult train(
            AnytimeSegmenter model,
            NDManager manager,
            FashionMnistMosaic data,
            AnytimeConfig config,
            long fixedSteps,
            Consumer<String> say) {
        AnytimeVariant v = model.variant();
        TrainConfig.Builder run =
                TrainConfig.builder()
                        .setModel(config.model())
                        .setRecipe(recipe(config))
                        .setBatch(config.batch())
                        .setImageSize(config.trainCanvas())
                        .optSeed(config.seed())
                        .optDataset(data.describe())
                        .optStop(config.stop());
        if (fixedSteps > 0) {
            run.optMaxSteps(fixedSteps);
        } else {
            run.optTimeBudget(Duration.ofNanos((long) (config.trainMinutes() * 60e9)));
        }
        Adaptivity adaptivity = new Adaptivity(v, config.caWarmupFraction(), fixedSteps, say);
        DensePredictionTask task =
                DensePredictionTask.builder()
                        .setTrainData(data)
                        .setBatch(config.batch())
                        .optForward(
                                (ps, x) ->
                                        adaptivity.on
                                                ? model.forwardExits(ps, x, true)
                                                : forwardWithoutAdaptivity(model, ps, x))
                        .build();
        long t0 = System.nanoTime();
        TrainResult result;
        try {
            result = new TrainingLoop(run.build(), adaptivity).fit(model, manager, task);
        } catch (IOException e) {
            // The run has no output directory, so the trainer writes nothing.
            throw new java.io.UncheckedIOException(e);
        } catch (LossDivergedException e) {
            throw new LossDivergedException(
                    v.label()
                            + " "
                            + e.getMessage()
                            + (adaptivity.on ? " (confidence adaptivity on)" : "")
                            + " No weights were saved.");
        }
        say.accept(
                String.format(
                        Locale.ROOT,
                        "%s trained %d steps in %.1f s",
                        v.label(),
                        result.steps(),
                        (System.nanoTime() - t0) / 1e9));
        return result;
    }

    /** ADP-C's warm-up: the same exits with the threshold at 1 (no position skipped). */
    private static NDList forwardWithoutAdaptivity(
            AnytimeSegmenter model, ParameterStore ps, NDArray x) {
        if (!model.variant().confidenceAdaptivity()) {
            return model.forwardExits(ps, x, true);
        }
        NDList out = new NDList(model.numExits());
        try (AnytimeSegmenter.Pass pass = model.begin(ps, x, true, false, 1f)) {
            while (pass.hasNext()) {
                out.add(pass.next().logits());
            }
        }
        return out;
    }

    /** Switches confidence adaptivity on after the warm-up share and prints progress lines. */
    private static final class Adaptivity implements TrainingLoopListener {

        private final AnytimeVariant variant;
        private final double warmup;
        private final long fixedSteps;
        private final Consumer<String> say;
        private volatile boolean on;
        private long steps;

        Adaptivity(AnytimeVariant variant, double warmup, long fixedSteps, Consumer<String> say) {
            this.variant = variant;
            this.warmup = warmup;
            this.fixedSteps = fixedSteps;
            this.say = say;
        }

        @Override
        public void onStepStart(long step, double progress) {
            on = variant.confidenceAdaptivity() && progress >= warmup;
        }

        @Override
        public void onBatch(
                int epoch,
                int batch,
                int batches,
                double loss,
                double accuracy,
                double imagesPerSecond) {
            steps++;
            if (steps % REPORT_EVERY == 0) {
                say.accept(
                        String.format(
                                Locale.ROOT,
                                "%s step %d%s loss %.3f (epoch mean) %.1f img/s%s",
                                variant.label(),
                                steps,
                                fixedSteps > 0 ? "/" + fixedSteps : "",
                                loss,
                                imagesPerSecond,
                                on ? " (CA on)" : ""));
            }
        }
    }
}
