package io.github.fastvision.examples.cli;

import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.training.LossDivergedException;
import io.github.fastvision.training.StopSignal;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainResult;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.TrainingStoppedException;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.Datasets;
import io.github.fastvision.training.loop.ZooTrainer;
import io.github.fastvision.training.progress.TrainingProgressBar;
import io.github.fastvision.training.recipe.Recipe;
import io.github.fastvision.training.recipe.Recipes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Trains or fine-tunes a zoo model on Fashion-MNIST or an image folder. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Train a zoo model with a progress bar; writes checkpoint.fvc, <model>.fvw, metrics.csv and metrics.png.")
public final class TrainCommand implements Callable<Integer> {

    /** Exit status of a run stopped by a signal: 128 + SIGTERM, as a shell reports it. */
    static final int STOPPED = 143;

    /** How long a shutdown waits for the training thread to reach a step boundary. */
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(60);

    @Spec private CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            description = "Zoo model name (see `fastvision zoo`).")
    private String model;

    @Mixin private DatasetOption datasetOption;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            description = "Epochs (default: ${DEFAULT-VALUE}).")
    private int epochs;

    @Option(
            names = "--batch",
            defaultValue = "128",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(
            names = "--image-size",
            defaultValue = "32",
            description = "Square input side (default: ${DEFAULT-VALUE}).")
    private int imageSize;

    @Option(
            names = "--stem-stride",
            defaultValue = "0",
            description =
                    "Patch size and stride of a patchify stem (fasternet_*, convnext_*; 0 = the model's own, 4)."
                            + " 2 keeps 4x more positions per stage, for 32x32 inputs (default: ${DEFAULT-VALUE}).")
    private int stemStride;

    @Option(
            names = "--recipe",
            defaultValue = Recipes.SMALL,
            description =
                    "Training recipe (default: ${DEFAULT-VALUE}); one of: small, fasternet_t0..l, convnext_t..l, pflayer_90ep, pflayer_400ep, rexnet.")
    private String recipe;

    @Option(
            names = "--channels",
            defaultValue = "3",
            description = "Channels image folders are decoded to (1 or 3; Fashion-MNIST is 1).")
    private int channels;

    @Mixin private SeedOption seed;

    @Option(names = "--out", description = "Run directory (default: target/train/<model>).")
    private Path out;

    @Option(
            names = "--resume",
            description = "Continue the run whose directory this is (same options).")
    private Path resume;

    @Mixin private JsonOption json;

    /** The JSON document. */
    record Report(
            String model,
            int epochs,
            double testAccuracy,
            double trainSeconds,
            double imagesPerSecond,
            String out,
            String dataset,
            String recipe,
            int stemStride) {}

    @Override
    public Integer call() throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(
                    "--channels must be 1 or 3 (grayscale or RGB) but was " + channels);
        }
        String dataset = datasetOption.dataset();
        Recipe r = Recipes.get(recipe);
        String name = ModelRegistry.info(model).name();
        Path dir = resume != null ? resume : out != null ? out : Path.of("target", "train", name);
        if (resume != null && out != null && !resume.equals(out)) {
            throw new IllegalArgumentException(
                    "--resume DIR continues in DIR; drop --out or make it the same directory");
        }
        DatasetSplit data = Datasets.open(dataset, channels, Datasets.storeSize(imageSize));
        if (Datasets.FASHION_MNIST.equals(dataset) && data.train().size() < 60000) {
            spec.commandLine()
                    .getErr()
                    .println(
                            "fastvision train: Debian's dataset-fashion-mnist is not installed; using the bundled subset ("
                                    + data.train().size()
                                    + " training images)");
        }
        TrainConfig.Builder config =
                TrainConfig.builder()
                        .setModel(name)
                        .setRecipe(r)
                        .setEpochs(epochs)
                        .setBatch(batch)
                        .setImageSize(imageSize)
                        .optStemStride(stemStride)
                        .optSeed(seed.seed())
                        .optDataset(dataset)
                        .optOut(dir)
                        .optResume(resume != null);
        TrainingLoopListener listener = new TrainingProgressBar(spec.commandLine().getErr());
        TrainResult result;
        // A SIGTERM or Ctrl-C stops at the next step boundary; the JVM exits only after the
        // model's native memory is released (and then with the signal's status, 143 or 130).
        try (StopSignal stop = StopSignal.onShutdown(SHUTDOWN_WAIT)) {
            try {
                result = ZooTrainer.train(config.optStop(stop).build(), data, listener);
            } catch (LossDivergedException e) {
                spec.commandLine().getErr().println("\nfastvision train: " + e.getMessage());
                return 3;
            } catch (TrainingStoppedException e) {
                spec.commandLine().getErr().println("\nfastvision train: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return STOPPED;
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonOutput.print(
                    o,
                    new Report(
                            result.model(),
                            result.epochs(),
                            result.testAccuracy(),
                            result.trainSeconds(),
                            result.imagesPerSecond(),
                            dir.toString(),
                            dataset,
                            r.name(),
                            stemStride));
        } else {
            o.printf(
                    "%s: test accuracy %.2f%% after %d epochs, %.1f s, %.0f training images/s; run directory %s%n",
                    result.model(),
                    100 * result.testAccuracy(),
                    result.epochs(),
                    result.trainSeconds(),
                    result.imagesPerSecond(),
                    dir);
            o.flush();
        }
        return 0;
    }
}
