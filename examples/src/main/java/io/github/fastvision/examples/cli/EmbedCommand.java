package io.github.fastvision.examples.cli;

import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.inference.Embedder;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.models.weights.Npy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes pooled backbone features of image files as one .npy plus an index. */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description =
                "Write pooled backbone features (the pre-logits vector) of PNG/JPEG images to"
                        + " DIR/embeddings.npy (N x D float32) and DIR/index.txt (row i's file on line i; a backslash, line feed or carriage return in a"
                        + " name is written as \\\\, \\n, \\r).")
public final class EmbedCommand implements Callable<Integer> {

    /** The features file inside {@code --out}. */
    static final String EMBEDDINGS = "embeddings.npy";

    /** The index file inside {@code --out}: row i's file on line i. */
    static final String INDEX = "index.txt";

    @Spec private CommandSpec spec;

    @Option(names = "--out", required = true, description = "Output directory.")
    private Path out;

    @Mixin private ImageInputOptions images;

    @Mixin private JsonOption json;

    /** The JSON document. */
    record Report(
            String model,
            String engine,
            String precision,
            double loadSeconds,
            int rows,
            int dimension,
            String embeddings,
            String index,
            List<ImageBatches.Skipped> skipped) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        images.applyThreads();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException(
                    "--out "
                            + out
                            + " exists and is not a directory; expected a directory for "
                            + EMBEDDINGS
                            + " and "
                            + INDEX);
        }
        Files.createDirectories(out);
        AtomicFiles.checkWritableDirectory(out);
        AtomicFiles.removeStaleTemporaries(out, EMBEDDINGS, INDEX);
        if (images.weights() == null) {
            err.println("fastvision embed: no --weights, using random initialization");
        }
        List<float[]> vectors = new ArrayList<>();
        List<String> names = new ArrayList<>();
        double forwardSeconds = 0;
        long start = System.nanoTime();
        int dimension;
        String name;
        List<ImageBatches.Skipped> skipped;
        ImageBatches files;
        ModelRuntime runtime;
        try (Embedder embedder =
                        Embedder.builder()
                                .setModel(images.model())
                                .optWeights(images.weights())
                                .optInputSize(images.imageSize())
                                .optEngine(images.parsedEngine())
                                .optThreads(images.threads())
                                .optBatchHint(images.batch())
                                .optPrecision(images.parsedPrecision())
                                .build();
                ImageBatches batches =
                        new ImageBatches(
                                images.inputs(),
                                embedder.decoder(),
                                embedder.preprocessor(),
                                images.batch(),
                                images.strict())) {
            files = batches;
            runtime = embedder.runtime();
            dimension = embedder.dimension();
            name = embedder.modelName();
            FileProgress progress =
                    batches.hasDirectory() ? new FileProgress(err, "embed", batches.files()) : null;
            for (ImageBatches.Batch b = batches.next(); b != null; b = batches.next()) {
                long t0 = System.nanoTime();
                float[][] v = embedder.embedPreprocessed(b.values(), b.size());
                forwardSeconds += (System.nanoTime() - t0) / 1e9;
                for (int i = 0; i < b.size(); i++) {
                    vectors.add(v[i]);
                    names.add(b.files().get(i).toString());
                }
                if (progress != null) {
                    progress.update(
                            Math.min(batches.files(), names.size() + batches.skipped().size()));
                }
            }
            skipped = batches.skipped();
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException(
                    "none of the "
                            + skipped.size()
                            + " files is a decodable image (first: "
                            + skipped.get(0).file()
                            + ": "
                            + skipped.get(0).reason()
                            + ")");
        }
        float[] flat = new float[names.size() * dimension];
        for (int i = 0; i < vectors.size(); i++) {
            System.arraycopy(vectors.get(i), 0, flat, i * dimension, dimension);
        }
        Path npy = out.resolve(EMBEDDINGS);
        Path index = out.resolve(INDEX);
        Npy.write(npy, flat, new long[] {names.size(), dimension});
        StringBuilder lines = new StringBuilder();
        for (String n : names) {
            lines.append(PredictCommand.escape(n)).append('\n');
        }
        AtomicFiles.writeString(index, lines.toString());
        PredictCommand.report(
                err,
                skipped,
                names.size(),
                (System.nanoTime() - start) / 1e9,
                files,
                forwardSeconds,
                runtime);
        PrintWriter o = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonOutput.print(
                    o,
                    new Report(
                            name,
                            runtime.engine().djlName(),
                            runtime.precision(),
                            runtime.loadSeconds(),
                            names.size(),
                            dimension,
                            npy.toString(),
                            index.toString(),
                            skipped));
        } else {
            o.printf(
                    "%s: %d x %d features written to %s, index %s%n",
                    name, names.size(), dimension, npy, index);
            o.flush();
        }
        return 0;
    }
}
