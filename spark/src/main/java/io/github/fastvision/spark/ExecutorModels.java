package io.github.fastvision.spark;

import io.github.fastvision.models.inference.ClassPredictor;
import io.github.fastvision.models.inference.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models of this JVM, one per {@link ModelSpec#key()}: an executor loads a model once, for its
 * first task, and every later task and task thread of the executor reuses it (both {@link
 * ClassPredictor} and {@link Embedder} are thread-safe). The cache lives as long as the JVM, as a
 * Spark executor does; {@link #closeAll()} frees it earlier (tests, a driver that ran local mode).
 */
final class ExecutorModels {

    private static final Map<String, AutoCloseable> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** A model and, when this call loaded it, how long the load took (else 0). */
    record Loaded(AutoCloseable model, double loadSeconds) {}

    /**
     * Returns the JVM's model for a spec, loading it on first use.
     *
     * @param spec the model
     * @return the model and this call's load time
     */
    static Loaded get(ModelSpec spec) {
        double[] seconds = {0};
        AutoCloseable model =
                MODELS.computeIfAbsent(
                        spec.key(),
                        k -> {
                            long t0 = System.nanoTime();
                            AutoCloseable m = load(spec);
                            seconds[0] = (System.nanoTime() - t0) / 1e9;
                            return m;
                        });
        return new Loaded(model, seconds[0]);
    }

    private static AutoCloseable load(ModelSpec spec) {
        try {
            if (spec.weights() == null) {
                return load(
                        spec, spec.weightsPath() == null ? null : Paths.get(spec.weightsPath()));
            }
            // The broadcast bytes become a local file for the loader; the loaded model keeps no
            // reference to it, so it is removed right away.
            Path file = Files.createTempFile("fastvision-weights-", ".fvw");
            try {
                Files.write(file, spec.weights().value());
                return load(spec, file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot load " + spec.model() + ": " + e.getMessage(), e);
        }
    }

    private static AutoCloseable load(ModelSpec spec, Path weights) throws IOException {
        if (spec.kind() == ModelSpec.Kind.EMBEDDER) {
            return Embedder.builder()
                    .setModel(spec.model())
                    .optWeights(weights)
                    .optInputSize(spec.inputSize())
                    .build();
        }
        return ClassPredictor.builder()
                .setModel(spec.model())
                .optWeights(weights)
                .optInputSize(spec.inputSize())
                .optTopK(spec.topK())
                .build();
    }

    /** Closes and forgets every model of this JVM. */
    static void closeAll() {
        List<String> keys = new ArrayList<>(MODELS.keySet());
        for (String k : keys) {
            AutoCloseable m = MODELS.remove(k);
            if (m != null) {
                try {
                    m.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close the model " + k, e);
                }
            }
        }
    }
}
