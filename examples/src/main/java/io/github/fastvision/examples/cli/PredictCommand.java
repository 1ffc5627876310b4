package io.github.fastvision.examples.cli;

import io.github.fastvision.models.inference.ClassPredictor;
import io.github.fastvision.models.inference.ClassScore;
import io.github.fastvision.models.inference.Prediction;
import io.github.fastvision.models.runtime.ClassNames;
import io.github.fastvision.models.runtime.ModelRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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

/** Classifies image files with a zoo model and prints the top classes of each. */
@Command(
        name = "predict",
        mixinStandardHelpOptions = true,
        description =
                "Classify PNG/JPEG images (files or directories) with a zoo model: the model's own"
                        + " preprocessing, batched inference, top-K classes with names.")
public final class PredictCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--top",
            defaultValue = "5",
            description = "Classes listed per image, 1..100000 (default: ${DEFAULT-VALUE}).")
    private int top;

    @Option(
            names = "--labels",
            description = "Class names, one per line (default: the weights' names).")
    private Path labels;

    @Mixin private ImageInputOptions images;

    @Mixin private JsonOption json;

    /**
     * The JSON document: {@code seconds} is the whole run, the load included; {@code
     * imagesPerSecond} excludes the load (decoding, preprocessing and forward passes).
     */
    record Report(
            String model,
            String engine,
            String precision,
            double loadSeconds,
            double seconds,
            double imagesPerSecond,
            List<FileRow> predictions,
            List<ImageBatches.Skipped> skipped) {}

    /** One file's classes. */
    record FileRow(String file, List<Map<String, Object>> top) {}

    @Override
    public Integer call() throws IOException {
        OptionBounds.check("--top", top, 1, OptionBounds.MAX_CLASSES);
        PrintWriter err = spec.commandLine().getErr();
        images.applyThreads();
        ClassPredictor.Builder builder =
                ClassPredictor.builder()
                        .setModel(images.model())
                        .optWeights(images.weights())
                        .optInputSize(images.imageSize())
                        .optEngine(images.parsedEngine())
                        .optThreads(images.threads())
                        .optBatchHint(images.batch())
                        .optPrecision(images.parsedPrecision())
                        .optTopK(top);
        if (labels != null) {
            builder.optClassNames(ClassNames.read(labels));
        }
        if (images.weights() == null) {
            err.println("fastvision predict: no --weights, using random initialization");
        }
        List<FileRow> rows = new ArrayList<>();
        double forwardSeconds = 0;
        long start = System.nanoTime();
        List<ImageBatches.Skipped> skipped;
        ImageBatches files;
        ModelRuntime runtime;
        try (ClassPredictor predictor = builder.build();
                ImageBatches batches =
                        new ImageBatches(
                                images.inputs(),
                                predictor.decoder(),
                                predictor.preprocessor(),
                                images.batch(),
                                images.strict())) {
            files = batches;
            runtime = predictor.runtime();
            FileProgress progress =
                    batches.hasDirectory()
                            ? new FileProgress(err, "predict", batches.files())
                            : null;
            for (ImageBatches.Batch b = batches.next(); b != null; b = batches.next()) {
                long t0 = System.nanoTime();
                List<Prediction> predictions = predictor.predictPreprocessed(b.values(), b.size());
                forwardSeconds += (System.nanoTime() - t0) / 1e9;
                for (int i = 0; i < b.size(); i++) {
                    rows.add(new FileRow(b.files().get(i).toString(), top(predictions.get(i))));
                }
                if (progress != null) {
                    progress.update(
                            Math.min(batches.files(), rows.size() + batches.skipped().size()));
                }
            }
            skipped = batches.skipped();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(
                    "none of the "
                            + skipped.size()
                            + " files is a decodable image (first: "
                            + skipped.get(0).file()
                            + ": "
                            + skipped.get(0).reason()
                            + ")");
        }
        report(err, skipped, rows.size(), seconds, files, forwardSeconds, runtime);
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonOutput.print(
                    out,
                    new Report(
                            runtime.info().name(),
                            runtime.engine().djlName(),
                            runtime.precision(),
                            runtime.loadSeconds(),
                            seconds,
                            rows.size() / (seconds - runtime.loadSeconds()),
                            rows,
                            skipped));
        } else {
            for (FileRow row : rows) {
                StringBuilder line = new StringBuilder(escape(row.file())).append(':');
                for (Map<String, Object> c : row.top()) {
                    line.append(
                            String.format(
                                    Locale.ROOT,
                                    " %s (%.1f%%)",
                                    c.get("class"),
                                    100 * (double) c.get("probability")));
                }
                out.println(line);
            }
            out.flush();
        }
        return 0;
    }

    private static List<Map<String, Object>> top(Prediction p) {
        List<Map<String, Object>> top = new ArrayList<>();
        for (ClassScore s : p.top()) {
            // "class" is a Java keyword, so the rows are maps rather than records.
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", s.name());
            m.put("probability", s.probability());
            top.add(m);
        }
        return top;
    }

    /**
     * Escapes a file name for a line of text: a backslash, line feed or carriage return in a name
     * would otherwise shift every later line (names are written as {@code \\}, {@code \n}, {@code
     * \r}).
     *
     * @param name the file name
     * @return the name on one line
     */
    static String escape(String name) {
        return name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** Skipped files and where the time went, on stderr. */
    static void report(
            PrintWriter err,
            List<ImageBatches.Skipped> skipped,
            int images,
            double seconds,
            ImageBatches batches,
            double forwardSeconds,
            ModelRuntime runtime) {
        if (!skipped.isEmpty()) {
            err.printf(Locale.ROOT, "skipped %d file(s):%n", skipped.size());
            for (ImageBatches.Skipped s : skipped) {
                err.println("  " + escape(s.file()) + ": " + s.reason());
            }
        }
        err.printf(
                Locale.ROOT,
                "%s on %s (%s), loaded in %.2f s%n",
                runtime.info().name(),
                runtime.engine().djlName(),
                runtime.precision(),
                runtime.loadSeconds());
        double decode = batches.decodeSeconds();
        double preprocess = batches.preprocessSeconds();
        double work = decode + preprocess + forwardSeconds;
        err.printf(
                Locale.ROOT,
                "%d images in %.2f s (%.1f images/s); decode %.2f s (%.0f%%), preprocess %.2f s"
                        + " (%.0f%%) on a prefetch thread, forward %.2f s (%.0f%%, %.1f images/s"
                        + " alone)%n",
                images,
                seconds,
                images / seconds,
                decode,
                100 * decode / work,
                preprocess,
                100 * preprocess / work,
                forwardSeconds,
                100 * forwardSeconds / work,
                images / forwardSeconds);
        err.flush();
    }
}
