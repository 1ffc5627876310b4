package io.github.fastvision.spark;

import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.core.runtime.NativeAllocator;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.Engines;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.models.runtime.Precision;
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
 * first task, and every later task and task thread of the executor reuses it ({@link ModelRuntime}
 * is thread-safe). The cache lives as long as the JVM, as a Spark executor does; {@link
 * #closeAll()} frees it earlier (tests, a driver that ran local mode).
 */
final class ExecutorModels {

    private static final Map<String, ModelRuntime> MODELS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** A model and, when this call loaded it, how long the load took (else 0). */
    record Loaded(ModelRuntime model, double loadSeconds) {}

    /**
     * Returns the JVM's model for a spec, loading it on first use.
     *
     * @param spec the model
     * @return the model and this call's load time
     */
    static Loaded get(ModelSpec spec) {
        double[] seconds = {0};
        ModelRuntime model =
                MODELS.computeIfAbsent(
                        spec.key(),
                        k -> {
                            long t0 = System.nanoTime();
                            ModelRuntime m = load(spec);
                            seconds[0] = (System.nanoTime() - t0) / 1e9;
                            return m;
                        });
        return new Loaded(model, seconds[0]);
    }

    private static ModelRuntime load(ModelSpec spec) {
        if (spec.tuneAllocator()) {
            NativeAllocator.tune();
        }
        try {
            if (spec.weights() == null) {
                return load(
                        spec, spec.weightsPath() == null ? null : Paths.get(spec.weightsPath()));
            }
            // The broadcast bytes become a local file for the loader, in a directory of their own
            // that also takes the engine's cached export; the loaded model keeps no reference to
            // either, so the directory is removed right away.
            Path dir = Files.createTempDirectory("fastvision-weights-");
            try {
                Path file = dir.resolve("weights.fvw");
                Files.write(file, spec.weights().value());
                return load(spec, file);
            } finally {
                AtomicFiles.deleteTree(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot load " + spec.model() + ": " + e.getMessage(), e);
        }
    }

    private static ModelRuntime load(ModelSpec spec, Path weights) throws IOException {
        InferenceEngine engine =
                Engines.choose(
                        spec.model(),
                        spec.engine() == null ? null : InferenceEngine.parse(spec.engine()),
                        spec.batch());
        return ModelRuntime.builder()
                .setModel(spec.model())
                .optWeights(weights)
                .optInputSize(spec.inputSize())
                .optEngine(spec.engine() == null ? null : engine)
                // Each Spark task has a core of its own: an ONNX Runtime session shared by the
                // executor's tasks computes each call on its caller's thread alone, where the
                // default (one thread per core per call) oversubscribes the cores.
                .optThreads(engine == InferenceEngine.ONNX_RUNTIME ? 1 : 0)
                .optFeatures(spec.kind() == ModelSpec.Kind.EMBEDDER)
                .optBatchHint(spec.batch())
                .optPrecision(
                        spec.precision() == null
                                ? Precision.AUTO
                                : Precision.parse(spec.precision()))
                .build();
    }

    /** Closes and forgets every model of this JVM. */
    static void closeAll() {
        List<String> keys = new ArrayList<>(MODELS.keySet());
        for (String k : keys) {
            ModelRuntime m = MODELS.remove(k);
            if (m != null) {
                m.close();
            }
        }
    }
}
