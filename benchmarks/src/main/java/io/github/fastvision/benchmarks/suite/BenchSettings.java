package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The settings of a suite run.
 *
 * @param threads intra-op threads
 * @param batches batch sizes (latency at 1, throughput at 32 by default)
 * @param models models for the models/pflayer suites, or empty for the defaults
 * @param quick short, in-process runs (no forks, few iterations)
 * @param log where JMH's own output goes
 * @param engines the engines the models/pflayer suites measure zoo models on
 * @param peerOnnx a directory of externally exported .onnx files measured on ONNX Runtime (one row
 *     each, models/pflayer suites), or null
 * @param precisions the precisions the models/pflayer suites measure zoo models in: fp32 (the
 *     engines' rows) and int8 (each zoo model quantized on the fly and run on ONNX Runtime)
 * @param quickIterationMs the measurement iteration of quick runs in milliseconds; warm-up and the
 *     peak's iterations scale with it
 */
public record BenchSettings(
        int threads,
        List<Integer> batches,
        List<String> models,
        boolean quick,
        Path log,
        List<InferenceEngine> engines,
        Path peerOnnx,
        List<Precision> precisions,
        int quickIterationMs) {

    /** The measurement iteration of quick runs unless set: half a second. */
    public static final int DEFAULT_QUICK_ITERATION_MS = 500;

    /**
     * Whether zoo models are also measured in int8.
     *
     * @return true when {@link #precisions} holds int8
     */
    public boolean int8() {
        return precisions.contains(Precision.INT8);
    }

    /**
     * Whether the engines' fp32 rows are measured.
     *
     * @return true when {@link #precisions} holds fp32
     */
    public boolean fp32() {
        return precisions.contains(Precision.FP32);
    }

    /**
     * Starts settings: one thread, batches 1 and 32, the suite's default models, full runs.
     *
     * @return a builder; {@link Builder#setLog} is required
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link BenchSettings} by name instead of five positional values. */
    public static final class Builder {

        private int threads = 1;
        private List<Integer> batches = List.of(1, 32);
        private List<String> models = List.of();
        private boolean quick;
        private Path log;
        private List<InferenceEngine> engines = List.of(InferenceEngine.values());
        private Path peerOnnx;
        private List<Precision> precisions = List.of(Precision.FP32);
        private int quickIterationMs = DEFAULT_QUICK_ITERATION_MS;

        private Builder() {}

        /**
         * Sets how long a quick run's measurement iteration lasts: shorter runs finish sooner and
         * measure more roughly.
         *
         * @param ms at least 10 (default {@value #DEFAULT_QUICK_ITERATION_MS})
         * @return this builder
         */
        public Builder optQuickIterationMs(int ms) {
            this.quickIterationMs = ms;
            return this;
        }

        /**
         * Sets the precisions zoo models are measured in by the models/pflayer suites.
         *
         * @param precisions fp32, int8 or both (default fp32); int8 rows quantize each zoo model
         *     (MinMax on generated images) and run on ONNX Runtime whatever the engines
         * @return this builder
         */
        public Builder optPrecisions(List<Precision> precisions) {
            this.precisions = List.copyOf(precisions);
            return this;
        }

        /**
         * Sets the engines zoo models are measured on in the models/pflayer suites.
         *
         * @param engines at least one (default both: PyTorch and ONNX Runtime side by side)
         * @return this builder
         */
        public Builder optEngines(List<InferenceEngine> engines) {
            this.engines = List.copyOf(engines);
            return this;
        }

        /**
         * Sets a directory of externally exported .onnx files, each measured on ONNX Runtime (batch
         * 1) as a peer row.
         *
         * @param dir the directory (default none)
         * @return this builder
         */
        public Builder optPeerOnnx(Path dir) {
            this.peerOnnx = dir;
            return this;
        }

        /**
         * Sets the intra-op threads.
         *
         * @param threads at least 1 (default 1, the papers' CPU setting)
         * @return this builder
         */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Sets the batch sizes.
         *
         * @param batches each at least 1 (default 1 and 32)
         * @return this builder
         */
        public Builder optBatches(List<Integer> batches) {
            this.batches = List.copyOf(batches);
            return this;
        }

        /**
         * Sets the models of the models/pflayer suites.
         *
         * @param models zoo names; empty for the suite's defaults (the default)
         * @return this builder
         */
        public Builder optModels(List<String> models) {
            this.models = List.copyOf(models);
            return this;
        }

        /**
         * Chooses short in-process runs (no forks, few iterations).
         *
         * @param quick true for quick runs (default false)
         * @return this builder
         */
        public Builder optQuick(boolean quick) {
            this.quick = quick;
            return this;
        }

        /**
         * Sets where JMH's own output goes.
         *
         * @param log the log file
         * @return this builder
         */
        public Builder setLog(Path log) {
            this.log = log;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the bad value
         */
        public BenchSettings build() {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
            }
            if (batches.isEmpty()) {
                throw new IllegalArgumentException(
                        "batches must hold at least one batch size (each >= 1)");
            }
            for (int b : batches) {
                if (b < 1) {
                    throw new IllegalArgumentException("batches must each be >= 1 but got " + b);
                }
            }
            if (log == null) {
                throw new IllegalArgumentException(
                        "log is required: the file JMH's output goes to");
            }
            if (engines.isEmpty()) {
                throw new IllegalArgumentException(
                        "engines must hold at least one of "
                                + Arrays.toString(InferenceEngine.values()));
            }
            if (peerOnnx != null && !Files.isDirectory(peerOnnx)) {
                throw new IllegalArgumentException(
                        "peerOnnx must be a directory of .onnx files but "
                                + peerOnnx
                                + " is not a directory");
            }
            if (precisions.isEmpty() || precisions.contains(Precision.AUTO)) {
                throw new IllegalArgumentException(
                        "precisions must hold fp32, int8 or both but was " + precisions);
            }
            if (quickIterationMs < 10) {
                throw new IllegalArgumentException(
                        "quickIterationMs must be >= 10 but was " + quickIterationMs);
            }
            return new BenchSettings(
                    threads,
                    batches,
                    models,
                    quick,
                    log,
                    engines,
                    peerOnnx,
                    precisions,
                    quickIterationMs);
        }
    }
}
