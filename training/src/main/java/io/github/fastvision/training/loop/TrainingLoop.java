package io.github.fastvision.training.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.core.io.Json;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.training.EpochMetrics;
import io.github.fastvision.training.LossDivergedException;
import io.github.fastvision.training.StopSignal;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainResult;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.TrainingStoppedException;
import io.github.fastvision.training.checkpoint.RunState;
import io.github.fastvision.training.checkpoint.TrainingCheckpoint;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.optim.GradientClipping;
import io.github.fastvision.training.optim.ModelEma;
import io.github.fastvision.training.optim.Optimizer;
import io.github.fastvision.training.optim.TrainableParameter;
import io.github.fastvision.training.progress.MemoryUsage;
import io.github.fastvision.training.progress.MetricsFiles;
import io.github.fastvision.training.recipe.LrSchedule;
import io.github.fastvision.training.recipe.Recipe;
import io.github.fastvision.training.task.ClassificationTask;
import io.github.fastvision.training.task.TrainingTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The training loop for any {@link TrainingTask} (loss and metrics): the recipe's optimizer with
 * weight decay on weights only, warm-up + cosine (or step) schedule, optional gradient clipping and
 * weight EMA, an evaluation and an atomic checkpoint after every epoch. The run ends after its
 * epochs, or earlier at its step or time budget ({@link TrainConfig#maxSteps()}, {@link
 * TrainConfig#timeBudget()}); listeners see every step before it runs and can change the model's
 * training mode there.
 *
 * <p>Determinism: data order and augmentations depend on (seed, epoch, position), and the engine's
 * random generator (stochastic depth) is re-seeded from (seed, epoch) at every epoch start, so a
 * run resumed from the checkpoint of epoch k computes the same numbers as the uninterrupted run. A
 * NaN or infinite loss (or gradient norm, when clipping) stops training with {@link
 * TrainingDivergedException} before the step is applied; the checkpoint of the last good epoch
 * stays on disk.
 */
public final class TrainingLoop {

    /** Version of the checkpoint description; 2 writes snake_case keys. */
    private static final int FORMAT = 2;

    private final TrainConfig config;
    private final TrainingLoopListener listener;

    /**
     * Creates a trainer.
     *
     * @param config the run
     * @param listener progress receiver
     */
    public TrainingLoop(TrainConfig config, TrainingLoopListener listener) {
        this.config = Objects.requireNonNull(config);
        this.listener = Objects.requireNonNull(listener);
    }

    /**
     * Trains an initialized classifier ({@link ClassificationTask}).
     *
     * @param model the model, initialized for (N, C, S, S) input with one logit per class
     * @param manager the model's manager
     * @param data training and test sets
     * @return the outcome
     * @throws IOException if the checkpoint or metrics cannot be written or read
     * @throws LossDivergedException on a NaN or infinite loss
     */
    public TrainResult fit(Block model, NDManager manager, DatasetSplit data) throws IOException {
        Autograd.disable();
        try (ClassificationTask task = new ClassificationTask(config, data)) {
            return fit(model, manager, task);
        }
    }

    /**
     * Trains an initialized model on a task.
     *
     * @param model the model
     * @param manager the model's manager
     * @param task the loss, metrics and data
     * @param <B> the task's batch type
     * @return the outcome
     * @throws IOException if the checkpoint or metrics cannot be written or read
     * @throws LossDivergedException on a NaN or infinite loss or gradient norm
     */
    public <B> TrainResult fit(Block model, NDManager manager, TrainingTask<B> task)
            throws IOException {
        Autograd.disable();
        task.checkModel(model);
        return new Run<>(model, manager, task).execute();
    }

    /** The state of one {@link #fit} call. */
    private final class Run<B> {

        private final Block model;
        private final NDManager manager;
        private final TrainingTask<B> task;
        private final Recipe recipe = config.recipe();
        private final List<TrainableParameter> params;
        private final Optimizer optimizer;
        private final ModelEma ema;
        private final int stepsPerEpoch;
        private final LrSchedule schedule;
        private final Path checkpoint;
        private final List<EpochMetrics> history = new ArrayList<>();
        private final ParameterStore ps;
        private long began;
        private int epochImages;

        Run(Block model, NDManager manager, TrainingTask<B> task) {
            this.model = model;
            this.manager = manager;
            this.task = task;
            this.params = TrainableParameter.of(model);
            this.optimizer = Optimizer.create(recipe.optimizer(), params, recipe.weightDecay());
            this.ema = recipe.emaDecay() > 0 ? new ModelEma(model, recipe.emaDecay()) : null;
            this.stepsPerEpoch = task.batchesPerEpoch();
            this.schedule =
                    config.maxSteps() > 0 || config.epochs() == Integer.MAX_VALUE
                            ? LrSchedule.ofSteps(
                                    recipe,
                                    config.batch(),
                                    config.maxSteps() > 0 ? config.maxSteps() : 1_000_000L)
                            : LrSchedule.of(recipe, config.batch(), config.epochs(), stepsPerEpoch);
            this.checkpoint =
                    config.out() == null
                            ? null
                            : config.out().resolve(TrainingCheckpoint.FILE_NAME);
            this.ps = new ParameterStore(manager, false);
        }

        TrainResult execute() throws IOException {
            if (checkpoint != null) {
                // Fail before the first epoch, not after it, when the run directory is unwritable;
                // and drop what a killed earlier run of this directory left half-written.
                AtomicFiles.checkWritableDirectory(config.out());
                AtomicFiles.removeStaleTemporaries(
                        config.out(),
                        TrainingCheckpoint.FILE_NAME,
                        MetricsFiles.CSV,
                        MetricsFiles.PNG);
            }
            int start = 0;
            if (config.resume()) {
                RunState state = resume(checkpoint, model, manager, optimizer, ema);
                history.addAll(state.history());
                start = state.epochsDone();
                optimizer.setSteps(state.steps());
            }
            listener.onStart(config, start, stepsPerEpoch);
            began = System.nanoTime();
            long trainedImages = 0;
            double trainedSeconds = 0;
            for (int epoch = start; epoch < config.epochs() && !budgetSpent(); epoch++) {
                checkStop(epoch, 0);
                EpochMetrics metrics = trainEpoch(epoch);
                if (metrics == null) {
                    break;
                }
                trainedImages += epochImages;
                trainedSeconds += metrics.trainSeconds();
                history.add(metrics);
                if (checkpoint != null) {
                    save(epoch + 1);
                }
                listener.onEpoch(metrics);
            }
            if (ema != null) {
                // The averaged weights are the result: leave them in the model.
                ema.swap();
            }
            double wall = (System.nanoTime() - began) / 1e9;
            double accuracy =
                    history.isEmpty() ? Double.NaN : history.get(history.size() - 1).testAccuracy();
            return new TrainResult(
                    config.model(),
                    history.size(),
                    accuracy,
                    wall,
                    trainedSeconds > 0 ? trainedImages / trainedSeconds : 0,
                    config.out(),
                    List.copyOf(history),
                    optimizer.steps());
        }

        /** Stops here, between steps, when asked to; the last saved checkpoint stays as it is. */
        private void checkStop(int epoch, int batch) {
            StopSignal stop = config.stop();
            if (stop == null || !stop.requested()) {
                return;
            }
            String kept =
                    checkpoint == null
                            ? "no checkpoint is written for this run"
                            : history.isEmpty() && !config.resume()
                                    ? "no epoch had completed, so there is no checkpoint"
                                    : "the checkpoint of epoch "
                                            + lastEpoch(history)
                                            + " is kept at "
                                            + checkpoint;
            throw new TrainingStoppedException(
                    "stopped by "
                            + stop.reason()
                            + " at epoch "
                            + (epoch + 1)
                            + ", batch "
                            + (batch + 1)
                            + "; "
                            + kept);
        }

        /** Whether the step or time budget is used up. */
        private boolean budgetSpent() {
            if (config.maxSteps() > 0 && optimizer.steps() >= config.maxSteps()) {
                return true;
            }
            return config.timeBudget() != null
                    && System.nanoTime() - began >= config.timeBudget().toNanos();
        }

        /** The share of the run done before the next step, in [0, 1]. */
        private double progress() {
            if (config.maxSteps() > 0) {
                return Math.min(1.0, optimizer.steps() / (double) config.maxSteps());
            }
            if (config.timeBudget() != null) {
                return Math.min(
                        1.0, (System.nanoTime() - began) / (double) config.timeBudget().toNanos());
            }
            return Math.min(1.0, optimizer.steps() / ((double) config.epochs() * stepsPerEpoch));
        }

        /** Trains one epoch (or its part within the budget) and evaluates; null if no step ran. */
        private EpochMetrics trainEpoch(int epoch) {
            Engine.getInstance().setRandomSeed(epochSeed(config.seed(), epoch));
            long t0 = System.nanoTime();
            double lossSum = 0;
            double metricSum = 0;
            int seen = 0;
            double lr = 0;
            Iterator<B> it = task.epoch(epoch);
            for (int b = 0; it.hasNext() && !budgetSpent(); b++) {
                checkStop(epoch, b);
                B batch = it.next();
                double progress = progress();
                listener.onStepStart(optimizer.steps(), progress);
                lr =
                        config.maxSteps() <= 0
                                        && config.timeBudget() != null
                                        && config.epochs() == Integer.MAX_VALUE
                                ? schedule.atFraction(progress)
                                : schedule.at(optimizer.steps());
                float loss;
                int size;
                try (NDManager sub = manager.newSubManager()) {
                    TrainingTask.Step step;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        step = task.forward(model, ps, batch, sub);
                        loss = step.loss().getFloat();
                        if (!Float.isFinite(loss)) {
                            throw diverged("loss is " + loss, epoch, b, checkpoint, history);
                        }
                        gc.backward(step.loss());
                    }
                    size = step.size();
                    metricSum += task.metricSum(step);
                }
                listener.onGradients(optimizer.steps());
                if (recipe.gradClip() > 0) {
                    double norm = GradientClipping.clip(params, recipe.gradClip());
                    if (!Double.isFinite(norm)) {
                        throw diverged("gradient norm is " + norm, epoch, b, checkpoint, history);
                    }
                }
                optimizer.step((float) lr);
                listener.onStepEnd(optimizer.steps());
                if (ema != null) {
                    ema.update(optimizer.steps());
                }
                lossSum += loss * size;
                seen += size;
                double elapsed = (System.nanoTime() - t0) / 1e9;
                listener.onBatch(
                        epoch,
                        b + 1,
                        stepsPerEpoch,
                        lossSum / seen,
                        metricSum / seen,
                        seen / elapsed);
            }
            epochImages = seen;
            if (seen == 0) {
                // The budget ran out at the epoch's start: nothing to record.
                return null;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            TrainingTask.Evaluation eval = evaluate();
            return new EpochMetrics(
                    epoch + 1,
                    lossSum / seen,
                    metricSum / seen,
                    eval.loss(),
                    eval.metric(),
                    lr,
                    seconds,
                    seen / seconds,
                    MemoryUsage.rssMiB());
        }

        /** Evaluates with the averaged weights when the recipe keeps an EMA. */
        private TrainingTask.Evaluation evaluate() {
            if (ema != null) {
                ema.swap();
            }
            try {
                return task.evaluate(model, manager);
            } finally {
                if (ema != null) {
                    ema.swap();
                }
            }
        }

        private void save(int epochsDone) throws IOException {
            RunState state =
                    RunState.of(FORMAT, config)
                            .withProgress(epochsDone, optimizer.steps(), history);
            TrainingCheckpoint.save(
                    checkpoint,
                    new TrainingCheckpoint.State(
                            Json.toJson(state),
                            model,
                            optimizer.state(),
                            ema == null ? List.of() : ema.state()));
            MetricsFiles.write(config.out(), history, config.model() + " on " + config.dataset());
        }
    }

    private RunState resume(
            Path checkpoint, Block model, NDManager manager, Optimizer optimizer, ModelEma ema)
            throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException(
                    "cannot resume: " + config.out() + " has no " + TrainingCheckpoint.FILE_NAME);
        }
        RunState saved = Json.fromJson(TrainingCheckpoint.readMeta(checkpoint), RunState.class);
        if (saved.format() != FORMAT) {
            throw new IllegalArgumentException(
                    "cannot resume "
                            + checkpoint
                            + ": its description is format "
                            + saved.format()
                            + ", this version "
                            + "reads format "
                            + FORMAT
                            + " (start the run again)");
        }
        List<String> diffs = new ArrayList<>();
        compare(diffs, "model", saved.model(), config.model());
        compare(diffs, "recipe", saved.recipe(), config.recipe().name());
        compare(diffs, "batch", saved.batch(), config.batch());
        compare(diffs, "image size", saved.imageSize(), config.imageSize());
        compare(diffs, "stem stride", saved.stemStride(), config.stemStride());
        compare(diffs, "seed", saved.seed(), config.seed());
        compare(diffs, "dataset", saved.dataset(), config.dataset());
        compare(diffs, "epochs", saved.epochs(), config.epochs());
        if (!diffs.isEmpty()) {
            throw new IllegalArgumentException(
                    "cannot resume "
                            + checkpoint
                            + ": the run differs in "
                            + String.join(", ", diffs));
        }
        try (NDManager scratch = manager.newSubManager()) {
            TrainingCheckpoint.restore(
                    checkpoint,
                    new TrainingCheckpoint.State(
                            "", model, optimizer.state(), ema == null ? List.of() : ema.state()),
                    scratch);
        }
        return saved;
    }

    private static void compare(List<String> diffs, String what, Object saved, Object now) {
        if (!Objects.equals(saved, now)) {
            diffs.add(what + " (checkpoint " + saved + ", now " + now + ")");
        }
    }

    private LossDivergedException diverged(
            String what, int epoch, int batch, Path checkpoint, List<EpochMetrics> history) {
        String kept =
                checkpoint == null
                        ? "no checkpoint is written for this run"
                        : history.isEmpty() && !config.resume()
                                ? "no epoch had completed, so there is no checkpoint"
                                : "the last good checkpoint (epoch "
                                        + lastEpoch(history)
                                        + ") is kept at "
                                        + checkpoint;
        return new LossDivergedException(
                "training diverged at epoch "
                        + (epoch + 1)
                        + ", batch "
                        + (batch + 1)
                        + ": "
                        + what
                        + "; the step was not applied and "
                        + kept
                        + ". Lower the learning rate (recipe "
                        + config.recipe().name()
                        + ", peak "
                        + config.recipe().lrFor(config.batch())
                        + ") or enable gradient clipping.");
    }

    private static int lastEpoch(List<EpochMetrics> history) {
        return history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
    }

    /** The engine seed of an epoch: a fixed function of the run seed and the epoch. */
    static int epochSeed(long seed, int epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xD1B54A32D192ED03L;
        z ^= z >>> 31;
        return (int) (z & 0x7fffffff);
    }
}
