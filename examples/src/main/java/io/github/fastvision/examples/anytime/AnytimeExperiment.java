package io.github.fastvision.examples.anytime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import io.github.fastvision.models.anytime.AnytimeVariant;
import io.github.fastvision.training.TrainResult;
import io.github.fastvision.training.data.DatasetSplit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Thesis Table 2.1 at small scale: trains (or loads) the EE, EE+RH and ADP-C anytime models on
 * Fashion-MNIST mosaics and measures, per exit, mIoU, GFLOPs per image with masks applied, and wall
 * time per image up to that exit.
 *
 * <p>Training follows the thesis's recipe shape ({@link AnytimeTraining}): every exit's
 * cross-entropy with weight 1 (Eq. 2.1), AdamW with cosine decay, on {@code trainCanvas} crops;
 * testing on larger {@code testCanvas} mosaics (as HRNet trains on 512×1024 crops and tests on
 * 1024×2048 images). All three variants train the same number of steps (EE's time budget fixes it,
 * or {@link AnytimeConfig#trainSteps()}). The parts: {@link AnytimeData} (mosaics), {@link
 * AnytimeCheckpoint} (weights), {@link AnytimeTraining}, {@link AnytimeMeasurement} (per-exit
 * numbers and the figure), {@link ThresholdSearch} and {@link AnytimeResult}.
 */
public final class AnytimeExperiment {

    private final AnytimeConfig config;
    private final AnytimeData data;
    private final Consumer<String> say;

    /** The step count every variant trains: the configured one, else EE's once known. */
    private long steps;

    private double referenceMiou = Double.NaN;
    private ThresholdSearch.Outcome outcome;
    private float inferenceThreshold;

    private AnytimeExperiment(AnytimeConfig config, AnytimeData data, Consumer<String> say) {
        this.config = config;
        this.steps = config.trainSteps() > 0 ? config.trainSteps() : -1;
        this.data = data;
        this.say = say;
        this.inferenceThreshold = config.threshold();
    }

    /**
     * Runs the experiment.
     *
     * @param data Fashion-MNIST (its own train/test split feeds the mosaics)
     * @param config the settings
     * @param log progress lines (stderr), or null
     * @return the table
     * @throws IOException if checkpoints or the figure cannot be written or read
     */
    public static AnytimeResult run(DatasetSplit data, AnytimeConfig config, PrintStream log)
            throws IOException {
        Consumer<String> say = log == null ? s -> {} : log::println;
        AnytimeExperiment e = new AnytimeExperiment(config, AnytimeData.of(data, config), say);
        Map<String, VariantResult> rows = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (AnytimeVariant v : AnytimeVariant.values()) {
                try (NDManager vm = manager.newSubManager()) {
                    rows.put(v.label(), e.variant(v, vm));
                }
            }
        }
        return new AnytimeResult(
                rows,
                AnytimeResult.setup(config, e.data, e.inferenceThreshold, e.outcome),
                e.outcome);
    }

    /** Builds, trains or loads, and measures one variant. */
    private VariantResult variant(AnytimeVariant v, NDManager vm) throws IOException {
        AnytimeSegmenter model = createModel(v, vm);
        Path ckpt =
                config.checkpointDir() == null
                        ? null
                        : AnytimeCheckpoint.file(config.checkpointDir(), config.model(), v);
        long trained;
        double seconds;
        String loaded = null;
        if (AnytimeCheckpoint.exists(ckpt)) {
            AnytimeCheckpoint.Meta meta =
                    AnytimeCheckpoint.load(model, vm, ckpt, config.itemScale());
            trained = meta.steps();
            seconds = meta.seconds();
            loaded = ckpt.toString();
            say.accept(v.label() + ": loaded " + ckpt);
        } else {
            long t0 = System.nanoTime();
            TrainResult r = AnytimeTraining.train(model, vm, data.train(), config, steps, say);
            trained = r.steps();
            seconds = (System.nanoTime() - t0) / 1e9;
            if (ckpt != null) {
                AnytimeCheckpoint.save(model, ckpt, trained, seconds, config.itemScale());
            }
        }
        if (steps < 0) {
            steps = trained;
        }
        if (data.validation() != null) {
            searchThreshold(v, model, vm);
        }
        List<ExitResult> exits =
                AnytimeMeasurement.measure(
                        model,
                        vm,
                        data.test(),
                        config,
                        v == AnytimeVariant.ADP_C ? config.figure() : null,
                        inferenceThreshold);
        say.accept(v.label() + ": " + exits);
        return new VariantResult(exits, trained, seconds, loaded);
    }

    /** A fresh, initialized model of a variant, seeded as every run is. */
    private AnytimeSegmenter createModel(AnytimeVariant v, NDManager vm) {
        AnytimeSegmenter model =
                AnytimeSegmenter.builder()
                        .setBase(config.model())
                        .setOptions(
                                ModelOptions.builder()
                                        .setNumClasses(data.train().numClasses())
                                        .optInputSize(config.trainCanvas())
                                        .optInChannels(1)
                                        .optDropPath(0f)
                                        .build())
                        .setVariant(v)
                        .optThreshold(config.threshold())
                        .optRadius(AnytimeSegmenter.defaultRadius())
                        .build();
        Engine.getInstance().setRandomSeed((int) config.seed());
        ChildBlocks.init(
                model,
                vm,
                DataType.FLOAT32,
                new Shape(config.batch(), 1, config.trainCanvas(), config.trainCanvas()));
        return model;
    }

    /**
     * EE+RH's final validation mIoU is the reference; ADP-C then tries every candidate threshold on
     * the validation mosaics and the search picks the inference threshold.
     */
    private void searchThreshold(AnytimeVariant v, AnytimeSegmenter model, NDManager vm)
            throws IOException {
        ThresholdSearch search = config.thresholdSearch();
        int last = model.numExits() - 1;
        if (v == AnytimeVariant.EE_RH) {
            referenceMiou =
                    AnytimeMeasurement.measure(
                                    model, vm, data.validation(), config, null, config.threshold())
                            .get(last)
                            .miou();
        }
        if (v == AnytimeVariant.ADP_C) {
            List<ThresholdSearch.Candidate> candidates = new ArrayList<>();
            for (float t : search.thresholds()) {
                ExitResult r =
                        AnytimeMeasurement.measure(model, vm, data.validation(), config, null, t)
                                .get(last);
                candidates.add(new ThresholdSearch.Candidate(t, r.miou(), r.gflops()));
                say.accept(
                        String.format(
                                Locale.ROOT,
                                "ADP-C validation at %s: final mIoU %.2f, %.3f GFLOPs",
                                Float.toString(t),
                                r.miou(),
                                r.gflops()));
            }
            outcome = search.choose(data.validation().describe(), referenceMiou, candidates);
            inferenceThreshold = outcome.chosen().threshold();
            say.accept(search.describe(outcome));
        }
    }
}
