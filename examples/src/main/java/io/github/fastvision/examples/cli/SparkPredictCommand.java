package io.github.fastvision.examples.cli;

import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.runtime.Engines;
import io.github.fastvision.spark.ModelLoad;
import io.github.fastvision.spark.PartitionMemory;
import io.github.fastvision.spark.SparkImageModel;
import io.github.fastvision.spark.SparkPredictJob;
import io.github.fastvision.spark.WeightsShipping;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Classifies a directory of images with Apache Spark and writes the predictions as Parquet ({@link
 * SparkPredictJob}): one row per file, a bad file (unreadable, empty, over {@code --max-file-mb},
 * not an image) an error row. Without {@code --master} it joins the master {@code spark-submit}
 * set, else runs {@code local[*]}.
 */
@Command(
        name = "spark-predict",
        mixinStandardHelpOptions = true,
        description =
                "Classify every file under a directory with Apache Spark (local[N] or a cluster via"
                        + " spark-submit) and write Parquet: path, class, probability, top_k, error;"
                        + " one row per file, a bad file an error row.")
public final class SparkPredictCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--master",
            description = "Spark master, e.g. local[4] (default: spark-submit's, else local[*]).")
    private String master;

    @Option(
            names = "--input",
            required = true,
            description =
                    "Directory of images (local path or Hadoop URI), walked recursively: each file"
                            + " once, symbolic links to directories not followed, names starting"
                            + " with . or _ skipped.")
    private String input;

    @Option(
            names = "--output",
            required = true,
            description = "Parquet directory to write (must not exist).")
    private String output;

    @Option(
            names = "--model",
            description = "Zoo model name (default: the one a --weights .fvw file records).")
    private String model;

    @Option(
            names = "--weights",
            description =
                    "Weights (.fvw file, or the directory `train`/`import --out` wrote); random"
                            + " initialization without it.")
    private Path weights;

    @Option(
            names = "--weights-shipping",
            defaultValue = "BROADCAST",
            description =
                    "How executors get the weights: ${COMPLETION-CANDIDATES} (default:"
                            + " ${DEFAULT-VALUE}; PATH needs a path every node can read).")
    private WeightsShipping shipping;

    @Option(
            names = "--batch",
            defaultValue = "32",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(
            names = "--top",
            defaultValue = "5",
            description = "Classes in top_k (default: ${DEFAULT-VALUE}).")
    private int top;

    @Option(
            names = "--image-size",
            defaultValue = "0",
            description = "Square input side (default: the weights' recorded side, else 224).")
    private int imageSize;

    @Option(
            names = "--engine",
            description =
                    "PyTorch or OnnxRuntime; default: the model's default engine (see `fastvision"
                            + " zoo --json`).")
    private String engine;

    @Option(
            names = "--max-file-mb",
            defaultValue = "256",
            description =
                    "Largest file read, in MiB; a larger one is an error row (default:"
                            + " ${DEFAULT-VALUE}).")
    private long maxFileMb;

    @Mixin private JsonOption json;

    /**
     * The JSON document.
     *
     * @param model the zoo name
     * @param engine the engine the executors ran
     * @param rows rows written, one per file
     * @param errors rows with an error instead of a prediction
     * @param seconds wall time of the job
     * @param output the Parquet directory
     * @param imagesPerSecond rows per second
     * @param modelLoads one per executor JVM that loaded the model
     * @param partitions partitions run
     * @param rssFirstMib the executor's resident memory after the first partition
     * @param rssLastMib the executor's resident memory after the last partition
     */
    record Report(
            String model,
            String engine,
            long rows,
            long errors,
            double seconds,
            String output,
            double imagesPerSecond,
            List<ModelLoad> modelLoads,
            int partitions,
            double rssFirstMib,
            double rssLastMib) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        String name = model;
        if (name == null) {
            if (weights == null || !Files.isRegularFile(weights)) {
                throw new IllegalArgumentException(
                        "--model is required unless --weights is a .fvw file (which records it)");
            }
            name = WeightsFile.header(weights).model();
        }
        if (weights == null) {
            err.println("fastvision spark-predict: no --weights, using random initialization");
            err.flush();
        }
        long maxBytes = SparkImageModel.MAX_FILE_BYTES >> 20;
        if (maxFileMb < 1 || maxFileMb > maxBytes) {
            throw new IllegalArgumentException(
                    "--max-file-mb must be in [1, " + maxBytes + "] but was " + maxFileMb);
        }
        InferenceEngine chosen =
                Engines.choose(name, engine == null ? null : InferenceEngine.parse(engine), batch);
        SparkImageModel classifier =
                SparkImageModel.builder()
                        .setModel(name)
                        .optWeights(weights)
                        .optWeightsShipping(shipping)
                        .optBatchSize(batch)
                        .optTopK(top)
                        .optInputSize(imageSize)
                        .optEngine(chosen)
                        .optMaxFileBytes(maxFileMb << 20)
                        .build();
        SparkPredictJob.Result r =
                SparkPredictJob.builder()
                        .setInput(input)
                        .setOutput(output)
                        .setModel(classifier)
                        .build()
                        .runWithMaster(master);
        List<PartitionMemory> memory = r.partitionMemory();
        double first = memory.isEmpty() ? -1 : mib(memory.get(0).residentBytes());
        double last = memory.isEmpty() ? -1 : mib(memory.get(memory.size() - 1).residentBytes());
        Report report =
                new Report(
                        ModelRegistry.info(name).name(),
                        chosen.djlName(),
                        r.rows(),
                        r.errors(),
                        r.seconds(),
                        r.output(),
                        r.rows() / r.seconds(),
                        r.modelLoads(),
                        memory.size(),
                        first,
                        last);
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonOutput.print(out, report);
        } else {
            out.printf(
                    Locale.ROOT,
                    "%s on %s: %d rows (%d errors) in %.2f s (%.1f images/s) -> %s%n",
                    report.model(),
                    report.engine(),
                    r.rows(),
                    r.errors(),
                    r.seconds(),
                    report.imagesPerSecond(),
                    r.output());
            for (ModelLoad l : r.modelLoads()) {
                out.printf(
                        Locale.ROOT,
                        "model load on executor %s: %.2f s%n",
                        l.executor(),
                        l.seconds());
            }
            out.printf(
                    Locale.ROOT,
                    "executor RSS after partition 1: %.0f MiB, after partition %d: %.0f MiB%n",
                    first,
                    memory.size(),
                    last);
            out.flush();
        }
        return 0;
    }

    private static double mib(long bytes) {
        return bytes < 0 ? -1 : bytes / (1024.0 * 1024.0);
    }
}
