package io.github.fastvision.examples.cli;

import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.examples.anytime.AnytimeCheckpoint;
import io.github.fastvision.examples.anytime.AnytimeConfig;
import io.github.fastvision.examples.anytime.AnytimeExperiment;
import io.github.fastvision.examples.anytime.AnytimeResult;
import io.github.fastvision.examples.anytime.ExitResult;
import io.github.fastvision.examples.anytime.ThresholdSearch;
import io.github.fastvision.examples.anytime.VariantResult;
import io.github.fastvision.examples.data.FashionMnistMosaic;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import io.github.fastvision.models.anytime.AnytimeVariant;
import io.github.fastvision.training.StopSignal;
import io.github.fastvision.training.TrainingStoppedException;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.Datasets;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Thesis Table 2.1 on Fashion-MNIST mosaics: EE, EE+RH and ADP-C per exit. */
@Command(
        name = "anytime",
        mixinStandardHelpOptions = true,
        description =
                "Train (or load) EE, EE+RH and ADP-C anytime segmenters on Fashion-MNIST mosaics and print "
                        + "mIoU, GFLOPs and wall time per exit (thesis Table 2.1), plus a PNG of one image's exits (Fig. 2.4).")
public final class AnytimeCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--model",
            defaultValue = "hrnet_w18_seg",
            description = "HRNet base (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(
            names = "--train-minutes",
            defaultValue = "4",
            description =
                    "EE's training time; EE+RH and ADP-C train as many steps (default: ${DEFAULT-VALUE}).")
    private double trainMinutes;

    @Option(
            names = "--train-steps",
            defaultValue = "0",
            description =
                    "Train every variant exactly this many steps instead of EE's --train-minutes budget "
                            + "(the 20-minute table in docs/results/anytime.md: 1075; default: ${DEFAULT-VALUE}, the budget).")
    private long trainSteps;

    @Option(
            names = "--checkpoint",
            description =
                    "Directory to save weights to and load them from (skips training when present).")
    private Path checkpoint;

    @Option(
            names = "--threshold",
            defaultValue = "0.998",
            description =
                    "ADP-C confidence threshold for training, and for inference unless --threshold-search is "
                            + "given (default: ${DEFAULT-VALUE}).")
    private float threshold;

    @Option(
            names = "--threshold-search",
            description =
                    "Choose ADP-C's inference threshold on validation mosaics of training items that training "
                            + "never drew (thesis: 99.8%% by cross-validation): the fewest final-exit FLOPs whose final "
                            + "mIoU stays within --threshold-tolerance of EE+RH's.")
    private boolean thresholdSearch;

    @Option(
            names = "--threshold-candidates",
            split = ",",
            paramLabel = "T",
            description =
                    "Thresholds the search tries (default: 0.999,0.998,0.997,0.996,0.995,0.99).")
    private List<Float> thresholdCandidates;

    @Option(
            names = "--threshold-tolerance",
            defaultValue = "0.5",
            description =
                    "Largest final-exit validation mIoU drop below EE+RH's, in points (default: ${DEFAULT-VALUE}).")
    private double thresholdTolerance;

    @Option(
            names = "--validation-images",
            defaultValue = "96",
            description = "Validation mosaics for --threshold-search (default: ${DEFAULT-VALUE}).")
    private int validationImages;

    @Mixin private DatasetOption.Defaulted datasetOption;

    @Option(
            names = "--train-canvas",
            description = "Training mosaic side (default: 32 x item scale, one cell).")
    private Integer trainCanvas;

    @Option(
            names = "--test-canvas",
            description = "Test mosaic side (default: 64 x item scale, 2 x 2 cells).")
    private Integer testCanvas;

    @Option(
            names = "--item-scale",
            defaultValue = "3",
            description =
                    "Enlarge the Fashion-MNIST items this many times, in cells of 32 x scale pixels, so that "
                            + "objects outgrow the early stages' receptive fields as street scenes do (default: ${DEFAULT-VALUE}).")
    private int itemScale;

    @Option(
            names = "--train-images",
            defaultValue = "4000",
            description = "Training mosaics (default: ${DEFAULT-VALUE}).")
    private int trainImages;

    @Option(
            names = "--test-images",
            defaultValue = "96",
            description = "Test mosaics (default: ${DEFAULT-VALUE}).")
    private int testImages;

    @Option(
            names = "--batch",
            defaultValue = "16",
            description = "Training batch (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(
            names = "--eval-batch",
            defaultValue = "16",
            description = "Inference batch (default: ${DEFAULT-VALUE}).")
    private int evalBatch;

    @Option(
            names = "--lr",
            defaultValue = "0.002",
            description = "AdamW peak learning rate (default: ${DEFAULT-VALUE}).")
    private double lr;

    @Option(
            names = "--sparse-density",
            defaultValue = "0.1",
            description =
                    "Masked convolutions compute only active positions when at most this share is active, "
                            + "else run densely and mask (0 = never sparse, 1 = always; default: ${DEFAULT-VALUE}).")
    private double sparseDensity;

    @Option(
            names = "--figure",
            description =
                    "PNG of ADP-C's exits on the first test image (default: anytime_exits.png).")
    private Path figure;

    @Mixin private SeedOption seedOption;

    @Mixin private QuietOption quietOption;

    @Mixin private JsonOption jsonOption;

    @Override
    public Integer call() throws IOException {
        if (!(trainMinutes > 0) || Double.isInfinite(trainMinutes)) {
            throw new IllegalArgumentException(
                    "--train-minutes must be a positive number of minutes but was " + trainMinutes);
        }
        if (trainSteps < 0) {
            throw new IllegalArgumentException(
                    "--train-steps must be >= 0 (0: train for --train-minutes) but was "
                            + trainSteps);
        }
        if (batch < 2) {
            throw new IllegalArgumentException(
                    "--batch must be >= 2 (batch norm needs two images) but was " + batch);
        }
        if (evalBatch < 1) {
            throw new IllegalArgumentException("--eval-batch must be >= 1 but was " + evalBatch);
        }
        if (checkpoint != null) {
            // Fail before training when the directory is unwritable; drop what a killed run left.
            AtomicFiles.checkWritableDirectory(checkpoint);
            List<String> names = new ArrayList<>();
            for (AnytimeVariant v : AnytimeVariant.values()) {
                names.add(AnytimeCheckpoint.file(checkpoint, model, v).getFileName().toString());
            }
            names.add("anytime_exits.png");
            AtomicFiles.removeStaleTemporaries(checkpoint, names.toArray(String[]::new));
        }
        if (testImages % evalBatch != 0 || testImages < evalBatch) {
            throw new IllegalArgumentException(
                    "--test-images ("
                            + testImages
                            + ") must be a positive multiple of --eval-batch ("
                            + evalBatch
                            + ")");
        }
        DatasetSplit data = Datasets.open(datasetOption.dataset(), 1, 28);
        Path png =
                figure != null
                        ? figure
                        : (checkpoint != null
                                ? checkpoint.resolve("anytime_exits.png")
                                : Path.of("anytime_exits.png"));
        int cell = FashionMnistMosaic.CELL * itemScale;
        ThresholdSearch search =
                thresholdSearch
                        ? new ThresholdSearch(
                                validationImages,
                                thresholdCandidates != null
                                        ? thresholdCandidates
                                        : ThresholdSearch.DEFAULT_THRESHOLDS,
                                thresholdTolerance)
                        : null;
        AnytimeConfig.Builder config =
                AnytimeConfig.builder()
                        .setModel(model)
                        .optCanvases(
                                trainCanvas != null ? trainCanvas : cell,
                                testCanvas != null ? testCanvas : 2 * cell)
                        .optImages(trainImages, testImages)
                        .optBatches(batch, evalBatch)
                        .optTrainMinutes(trainMinutes)
                        .optTrainSteps(trainSteps)
                        .optThreshold(threshold)
                        .optCaWarmupFraction(0.5)
                        .optLearningRate(lr)
                        .optSeed(seedOption.seed())
                        .optCheckpointDir(checkpoint)
                        .optFigure(png)
                        .optMaxSparseDensity(sparseDensity)
                        .optItemScale(itemScale)
                        .optThresholdSearch(search);
        AnytimeResult result;
        // A SIGTERM or Ctrl-C stops at the next step boundary; variants already trained keep
        // their checkpoints, and the JVM exits only after native memory is released.
        try (StopSignal stop = StopSignal.onShutdown(Duration.ofSeconds(60))) {
            try {
                result =
                        AnytimeExperiment.run(
                                data,
                                config.optStop(stop).build(),
                                quietOption.enabled() ? null : System.err);
            } catch (TrainingStoppedException e) {
                spec.commandLine()
                        .getErr()
                        .println(
                                "\nfastvision anytime: "
                                        + e.getMessage()
                                        + (checkpoint == null
                                                ? ""
                                                : "; variants trained before are kept in "
                                                        + checkpoint));
                spec.commandLine().getErr().flush();
                return TrainCommand.STOPPED;
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (jsonOption.enabled()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            Map<String, Object> variants = new LinkedHashMap<>();
            for (Map.Entry<String, VariantResult> e : result.variants().entrySet()) {
                List<Map<String, Object>> exits = new ArrayList<>();
                for (ExitResult r : e.getValue().exits()) {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("miou", r.miou());
                    x.put("gflops", r.gflops());
                    x.put("wall_ms", r.wallMs());
                    x.put("computed_percent", r.computedPercent());
                    exits.add(x);
                }
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("exits", exits);
                v.put("train_steps", e.getValue().trainSteps());
                v.put("train_seconds", e.getValue().trainSeconds());
                v.put("loaded_from", e.getValue().loadedFrom());
                variants.put(e.getKey(), v);
            }
            doc.put("variants", variants);
            doc.put("setup", result.setup());
            doc.put("figure", png.toString());
            JsonOutput.print(out, doc);
            return 0;
        }
        out.println();
        out.printf(
                Locale.ROOT,
                "Anytime dense prediction, %s on Fashion-MNIST mosaics (thesis Table 2.1 layout)%n",
                model);
        out.printf(
                Locale.ROOT,
                "train %s%ntest  %s%n",
                result.setup().get("train"),
                result.setup().get("test"));
        out.printf(
                Locale.ROOT,
                "%-8s | %-38s | %-43s | %s%n",
                "",
                "mIoU (%) at exit 1 2 3 4  avg",
                "GFLOPs/image at exit 1 2 3 4  avg",
                "wall ms/image at exit 1 2 3 4  avg");
        for (Map.Entry<String, VariantResult> e : result.variants().entrySet()) {
            List<ExitResult> ex = e.getValue().exits();
            StringBuilder line =
                    new StringBuilder(String.format(Locale.ROOT, "%-8s |", e.getKey()));
            double[] sum = new double[3];
            for (ExitResult r : ex) {
                line.append(String.format(Locale.ROOT, " %6.1f", r.miou()));
                sum[0] += r.miou();
            }
            line.append(String.format(Locale.ROOT, " %6.1f |", sum[0] / ex.size()));
            for (ExitResult r : ex) {
                line.append(String.format(Locale.ROOT, " %7.3f", r.gflops()));
                sum[1] += r.gflops();
            }
            line.append(String.format(Locale.ROOT, " %7.3f |", sum[1] / ex.size()));
            for (ExitResult r : ex) {
                line.append(String.format(Locale.ROOT, " %6.2f", r.wallMs()));
                sum[2] += r.wallMs();
            }
            line.append(String.format(Locale.ROOT, " %6.2f", sum[2] / ex.size()));
            out.println(line);
        }
        ThresholdSearch.Outcome found = result.thresholdSearch();
        if (found != null) {
            out.printf(
                    Locale.ROOT,
                    "%nthreshold search on %s (EE+RH final mIoU %.1f, tolerance %.1f):%n",
                    found.validation(),
                    found.referenceMiou(),
                    thresholdTolerance);
            for (ThresholdSearch.Candidate c : found.candidates()) {
                out.printf(
                        Locale.ROOT,
                        "  %-6s  final mIoU %6.2f  %7.3f GFLOPs%s%n",
                        Float.toString(c.threshold()),
                        c.miou(),
                        c.gflops(),
                        c.equals(found.chosen()) ? "  <- chosen" : "");
            }
        }
        out.printf(
                Locale.ROOT,
                "%nADP-C inference threshold %s (trained at %s; default %s), exits' visualization: %s%n",
                result.setup().get("threshold"),
                Float.toString(threshold),
                AnytimeSegmenter.DEFAULT_THRESHOLD,
                png);
        out.flush();
        return 0;
    }
}
