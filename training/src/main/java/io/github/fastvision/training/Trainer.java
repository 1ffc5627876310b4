package io.github.fastvision.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.Gson;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.training.checkpoint.RunState;
import io.github.fastvision.training.checkpoint.TrainingCheckpoint;
import io.github.fastvision.training.data.Batch;
import io.github.fastvision.training.data.BatchLoader;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.MixupCutmix;
import io.github.fastvision.training.data.transform.Pipeline;
import io.github.fastvision.training.optim.GradientClipping;
import io.github.fastvision.training.optim.ModelEma;
import io.github.fastvision.training.optim.Optimizer;
import io.github.fastvision.training.optim.TrainableParameter;
import io.github.fastvision.training.progress.MemoryUsage;
import io.github.fastvision.training.progress.MetricsFiles;
import io.github.fastvision.training.recipe.LrSchedule;
import io.github.fastvision.training.recipe.Recipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The training loop: soft-target cross-entropy (label smoothing, mixup, cutmix), the recipe's
 * optimizer with weight decay on weights only, warm-up + cosine (or step) schedule, optional
 * gradient clipping and weight EMA, an evaluation and an atomic checkpoint after every epoch.
 *
 * <p>Determinism: data order and augmentations depend on (seed, epoch, position), and the engine's
 * random generator (stochastic depth) is re-seeded from (seed, epoch) at every epoch start, so a
 * run resumed from the checkpoint of epoch k computes the same numbers as the uninterrupted run.
 * A NaN or infinite loss (or gradient norm, when clipping) stops training with
 * {@link TrainingDivergedException} before the step is applied; the checkpoint of the last good
 * epoch stays on disk.
 */
public final class Trainer {

    private static final int FORMAT = 1;
    private static final int EVAL_BATCH = 256;
    private static final Gson GSON = new Gson();

    private final TrainConfig config;
    private final TrainingListener listener;

    /**
     * Creates a trainer.
     *
     * @param config the run
     * @param listener progress receiver
     */
    public Trainer(TrainConfig config, TrainingListener listener) {
        this.config = Objects.requireNonNull(config);
        this.listener = Objects.requireNonNull(listener);
    }

    /**
     * Trains an initialized classifier.
     *
     * @param model the model, initialized for (N, C, S, S) input with one logit per class
     * @param manager the model's manager
     * @param data training and test sets
     * @return the outcome
     * @throws IOException if the checkpoint or metrics cannot be written or read
     * @throws TrainingDivergedException on a NaN or infinite loss
     */
    public TrainResult fit(Block model, NDManager manager, DatasetSplit data) throws IOException {
        Recipe recipe = config.recipe();
        int size = config.imageSize();
        int channels = data.train().channels();
        int classes = data.train().classes().size();
        Autograd.disable();
        checkModel(model, channels, size, classes);

        MixupCutmix mixer = new MixupCutmix(recipe.mixupAlpha(), recipe.cutmixAlpha());
        try (BatchLoader train =
                        new BatchLoader(
                                data.train(),
                                Pipeline.training(size, recipe.cropMinScale(), recipe.flip(), recipe.padCrop(), channels),
                                size, config.batch(), true, true, config.seed(), mixer, recipe.labelSmoothing());
                BatchLoader test =
                        new BatchLoader(
                                data.test(), Pipeline.evaluation(size, channels), size, EVAL_BATCH, false, false,
                                config.seed(), null, 0f)) {
            List<TrainableParameter> params = TrainableParameter.of(model);
            Optimizer optimizer = Optimizer.create(recipe.optimizer(), params, recipe.weightDecay());
            ModelEma ema = recipe.emaDecay() > 0 ? new ModelEma(model, recipe.emaDecay()) : null;
            int steps = train.batchesPerEpoch();
            LrSchedule schedule = LrSchedule.of(recipe, config.batch(), config.epochs(), steps);

            List<EpochMetrics> history = new ArrayList<>();
            int start = 0;
            Path checkpoint = config.out() == null ? null : config.out().resolve(TrainingCheckpoint.FILE_NAME);
            if (config.resume()) {
                RunState state = resume(checkpoint, model, manager, optimizer, ema);
                history.addAll(state.history());
                start = state.epochsDone();
                optimizer.setSteps(state.steps());
            }

            listener.onStart(config, start, steps);
            ParameterStore ps = new ParameterStore(manager, false);
            long began = System.nanoTime();
            long trainedImages = 0;
            double trainedSeconds = 0;
            for (int epoch = start; epoch < config.epochs(); epoch++) {
                Engine.getInstance().setRandomSeed(epochSeed(config.seed(), epoch));
                long t0 = System.nanoTime();
                double lossSum = 0;
                long correct = 0;
                int seen = 0;
                double lr = 0;
                Iterator<Batch> it = train.epoch(epoch);
                for (int b = 0; it.hasNext(); b++) {
                    Batch batch = it.next();
                    float loss;
                    try (NDManager sub = manager.newSubManager()) {
                        NDArray x = sub.create(
                                batch.images(), new Shape(batch.size(), channels, size, size));
                        NDArray targets = sub.create(batch.targets(), new Shape(batch.size(), classes));
                        NDArray logits;
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            logits = model.forward(ps, new NDList(x), true).singletonOrThrow();
                            NDArray l = logits.logSoftmax(1).mul(targets).sum(new int[] {1}).neg().mean();
                            loss = l.getFloat();
                            if (!Float.isFinite(loss)) {
                                throw diverged("loss is " + loss, epoch, b, checkpoint, history);
                            }
                            gc.backward(l);
                        }
                        correct += logits.argMax(1).toType(DataType.INT32, false)
                                .eq(sub.create(batch.labels())).sum().getLong();
                    }
                    if (recipe.gradClip() > 0) {
                        double norm = GradientClipping.clip(params, recipe.gradClip());
                        if (!Double.isFinite(norm)) {
                            throw diverged("gradient norm is " + norm, epoch, b, checkpoint, history);
                        }
                    }
                    lr = schedule.at(optimizer.steps());
                    optimizer.step((float) lr);
                    if (ema != null) {
                        ema.update(optimizer.steps());
                    }
                    lossSum += loss * batch.size();
                    seen += batch.size();
                    double elapsed = (System.nanoTime() - t0) / 1e9;
                    listener.onBatch(epoch, b + 1, steps, lossSum / seen, (double) correct / seen, seen / elapsed);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                trainedImages += seen;
                trainedSeconds += seconds;

                if (ema != null) {
                    ema.swap();
                }
                Evaluator.Result eval;
                try {
                    eval = Evaluator.evaluate(model, manager, test);
                } finally {
                    if (ema != null) {
                        ema.swap();
                    }
                }
                EpochMetrics metrics =
                        new EpochMetrics(
                                epoch + 1, lossSum / seen, (double) correct / seen, eval.loss(), eval.accuracy(), lr,
                                seconds, seen / seconds, MemoryUsage.rssMiB());
                history.add(metrics);
                if (checkpoint != null) {
                    RunState state =
                            new RunState(
                                    FORMAT, config.model(), recipe.name(), config.epochs(), config.batch(), size,
                                    config.stemStride(), config.seed(), config.dataset(), epoch + 1, optimizer.steps(), history);
                    TrainingCheckpoint.save(
                            checkpoint,
                            new TrainingCheckpoint.State(
                                    GSON.toJson(state), model, optimizer.state(),
                                    ema == null ? List.of() : ema.state()));
                    MetricsFiles.write(config.out(), history, config.model() + " on " + config.dataset());
                }
                listener.onEpoch(metrics);
            }
            if (ema != null) {
                // The averaged weights are the result: leave them in the model.
                ema.swap();
            }
            double wall = (System.nanoTime() - began) / 1e9;
            double accuracy = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).testAccuracy();
            return new TrainResult(
                    config.model(), history.size(), accuracy, wall,
                    trainedSeconds > 0 ? trainedImages / trainedSeconds : 0, config.out(), List.copyOf(history));
        }
    }

    private RunState resume(Path checkpoint, Block model, NDManager manager, Optimizer optimizer, ModelEma ema)
            throws IOException {
        if (!Files.isRegularFile(checkpoint)) {
            throw new IllegalArgumentException(
                    "cannot resume: " + config.out() + " has no " + TrainingCheckpoint.FILE_NAME);
        }
        RunState saved = GSON.fromJson(TrainingCheckpoint.readMeta(checkpoint), RunState.class);
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
                    "cannot resume " + checkpoint + ": the run differs in " + String.join(", ", diffs));
        }
        try (NDManager scratch = manager.newSubManager()) {
            TrainingCheckpoint.restore(
                    checkpoint,
                    new TrainingCheckpoint.State("", model, optimizer.state(), ema == null ? List.of() : ema.state()),
                    scratch);
        }
        return saved;
    }

    private static void compare(List<String> diffs, String what, Object saved, Object now) {
        if (!Objects.equals(saved, now)) {
            diffs.add(what + " (checkpoint " + saved + ", now " + now + ")");
        }
    }

    private TrainingDivergedException diverged(
            String what, int epoch, int batch, Path checkpoint, List<EpochMetrics> history) {
        String kept =
                checkpoint == null
                        ? "no checkpoint is written for this run"
                        : history.isEmpty() && !config.resume()
                                ? "no epoch had completed, so there is no checkpoint"
                                : "the last good checkpoint (epoch " + lastEpoch(history) + ") is kept at " + checkpoint;
        return new TrainingDivergedException(
                "training diverged at epoch " + (epoch + 1) + ", batch " + (batch + 1) + ": " + what
                        + "; the step was not applied and " + kept + ". Lower the learning rate (recipe "
                        + config.recipe().name() + ", peak " + config.recipe().lrFor(config.batch())
                        + ") or enable gradient clipping.");
    }

    private static int lastEpoch(List<EpochMetrics> history) {
        return history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
    }

    private static void checkModel(Block model, int channels, int size, int classes) {
        if (!model.isInitialized()) {
            throw new IllegalArgumentException("initialize the model before training it");
        }
        Shape out = model.getOutputShapes(new Shape[] {new Shape(2, channels, size, size)})[0];
        if (out.dimension() != 2 || out.get(1) != classes) {
            throw new IllegalArgumentException(
                    "the model maps (N, " + channels + ", " + size + ", " + size + ") to " + out + " but the dataset has "
                            + classes + " classes: expected (N, " + classes + ")");
        }
    }

    /** The engine seed of an epoch: a fixed function of the run seed and the epoch. */
    static int epochSeed(long seed, int epoch) {
        long z = seed * 0x9E3779B97F4A7C15L + (epoch + 1) * 0xD1B54A32D192ED03L;
        z ^= z >>> 31;
        return (int) (z & 0x7fffffff);
    }
}
