package io.github.fastvision.benchmarks;

import io.github.fastvision.benchmarks.models.ModelBenchmark;
import io.github.fastvision.benchmarks.models.OnnxRuntimeBenchmark;
import io.github.fastvision.benchmarks.models.PfLayerBenchmark;
import io.github.fastvision.benchmarks.ops.OperatorStackBenchmark;
import io.github.fastvision.benchmarks.ops.PConvModeBenchmark;
import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.RuntimeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs a benchmark suite through JMH and turns the results into a {@link BenchReport}: operators
 * (fasternet Table 1), PConv modes (Table 9), models, and pflayer's comparisons (Tables 2–4, 6).
 */
public enum BenchSuite {
    /** fasternet Table 1. */
    OPS,
    /** fasternet Table 9. */
    PCONV,
    /** Zoo models against DJL's baselines. */
    MODELS,
    /** pflayer Tables 2–4 and 6. */
    PFLAYER;

    /** Default model lists. */
    private static final List<String> MODELS_DEFAULT =
            List.of(
                    "fasternet_t0",
                    "fasternet_t1",
                    "rexnet_100",
                    "resnet50",
                    "convnext_tiny",
                    "djl_resnetv1_50",
                    "djl_mobilenetv2");

    private static final List<String> PFLAYER_DEFAULT =
            List.of(
                    "resnet50",
                    "resnet50_hybrid",
                    "resnet50_max",
                    "resnet50_deform_max",
                    "vit_small",
                    "vit_small_maxpool",
                    "vit_small_dwconv");

    /**
     * Run settings.
     *
     * @param threads intra-op threads
     * @param batches batch sizes (latency at 1, throughput at 32 by default)
     * @param models models for the models/pflayer suites, or empty for the defaults
     * @param quick short, in-process runs (no forks, few iterations)
     * @param log where JMH's own output goes
     * @param engines the engines the models/pflayer suites measure zoo models on
     * @param peerOnnx a directory of externally exported .onnx files measured on ONNX Runtime (one
     *     row each, models/pflayer suites), or null
     */
    public record Settings(
            int threads,
            List<Integer> batches,
            List<String> models,
            boolean quick,
            Path log,
            List<InferenceEngine> engines,
            Path peerOnnx) {

        /**
         * Starts settings: one thread, batches 1 and 32, the suite's default models, full runs.
         *
         * @return a builder; {@link Builder#setLog} is required
         */
        public static Builder builder() {
            return new Builder();
        }

        /** Builds {@link Settings} by name instead of five positional values. */
        public static final class Builder {

            private int threads = 1;
            private List<Integer> batches = List.of(1, 32);
            private List<String> models = List.of();
            private boolean quick;
            private Path log;
            private List<InferenceEngine> engines = List.of(InferenceEngine.values());
            private Path peerOnnx;

            private Builder() {}

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
             * Sets a directory of externally exported .onnx files, each measured on ONNX Runtime
             * (batch 1) as a peer row.
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
            public Settings build() {
                if (threads < 1) {
                    throw new IllegalArgumentException("threads must be >= 1 but was " + threads);
                }
                if (batches.isEmpty()) {
                    throw new IllegalArgumentException(
                            "batches must hold at least one batch size (each >= 1)");
                }
                for (int b : batches) {
                    if (b < 1) {
                        throw new IllegalArgumentException(
                                "batches must each be >= 1 but got " + b);
                    }
                }
                if (log == null) {
                    throw new IllegalArgumentException(
                            "log is required: the file JMH's output goes to");
                }
                if (engines.isEmpty()) {
                    throw new IllegalArgumentException(
                            "engines must hold at least one of "
                                    + java.util.Arrays.toString(InferenceEngine.values()));
                }
                if (peerOnnx != null && !java.nio.file.Files.isDirectory(peerOnnx)) {
                    throw new IllegalArgumentException(
                            "peerOnnx must be a directory of .onnx files but "
                                    + peerOnnx
                                    + " is not a directory");
                }
                return new Settings(threads, batches, models, quick, log, engines, peerOnnx);
            }
        }
    }

    /**
     * Parses a suite name.
     *
     * @param name ops, pconv, models or pflayer
     * @return the suite
     */
    public static BenchSuite parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown suite '" + name + "'; expected ops, pconv, models or pflayer", e);
        }
    }

    private ChainedOptionsBuilder options(Settings s, Class<?> benchmark) {
        ChainedOptionsBuilder b =
                new OptionsBuilder()
                        .include(benchmark.getName() + ".")
                        .param("threads", Integer.toString(s.threads()))
                        .shouldFailOnError(true)
                        .jvmArgsAppend(
                                "-Dai.djl.offline=true",
                                "-Xmx4g",
                                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                                "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error")
                        .output(s.log().toString());
        if (s.quick()) {
            // In-process runs save a JVM start per benchmark, but the tuned allocator
            // (NativeAllocator: no mmap, high trim threshold) keeps every model's batch-32
            // activations mapped: eight models at batch 32 grew one JVM past 20 GB. Batches above
            // 1 therefore get a fork per benchmark, which returns that memory when it exits.
            boolean large = s.batches().stream().anyMatch(x -> x > 1);
            b.forks(large ? 1 : 0)
                    .warmupIterations(1)
                    .warmupTime(TimeValue.milliseconds(300))
                    .measurementIterations(2)
                    .measurementTime(TimeValue.milliseconds(500));
        }
        return b;
    }

    private static String[] strings(List<?> values) {
        return values.stream().map(String::valueOf).toArray(String[]::new);
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder b) {
        try {
            return new Runner(b.build()).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH run failed: " + e.getMessage(), e);
        }
    }

    /**
     * Measures the machine's matmul peak in multiply-adds per second: the best of several
     * one-second iterations after two seconds of warm-up, in quick mode too (a peak measured in
     * half a second on a cold machine came out below what a 3×3 convolution achieved), over the
     * sizes of {@link PeakFlopsBenchmark}.
     *
     * @param s settings
     * @return peak
     */
    public static double peak(Settings s) {
        ChainedOptionsBuilder b =
                OPS.options(s, PeakFlopsBenchmark.class)
                        .warmupIterations(2)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(s.quick() ? 3 : 5)
                        .measurementTime(TimeValue.seconds(1));
        double best = 0;
        for (RunResult r : run(b)) {
            double n = Integer.parseInt(r.getParams().getParam("size"));
            for (var iteration : r.getBenchmarkResults()) {
                for (var it : iteration.getIterationResults()) {
                    double ms = it.getPrimaryResult().getScore();
                    best = Math.max(best, n * n * n / (ms / 1000.0));
                }
            }
        }
        return best;
    }

    /**
     * Runs the suite.
     *
     * @param s settings
     * @return the report
     */
    public BenchReport run(Settings s) {
        double measured = peak(s);
        List<BenchRow> rows = new ArrayList<>();
        List<BenchReport.Finding> refused = new ArrayList<>();
        switch (this) {
            case OPS:
                {
                    ChainedOptionsBuilder b =
                            options(s, OperatorStackBenchmark.class)
                                    .param("batch", strings(s.batches()));
                    for (RunResult r : run(b)) {
                        BenchmarkParams p = r.getParams();
                        String op = p.getParam("op");
                        String map = p.getParam("input");
                        rows.add(
                                BenchRow.of(
                                        op,
                                        null,
                                        Workloads.chw(map),
                                        Integer.parseInt(p.getParam("batch")),
                                        r.getPrimaryResult().getScore(),
                                        Workloads.stackMacs(op, map)));
                    }
                    break;
                }
            case PCONV:
                {
                    ChainedOptionsBuilder b = options(s, PConvModeBenchmark.class);
                    if (s.quick()) {
                        b.param(
                                "workload",
                                "96x56x56",
                                "192x28x28",
                                "384x14x14",
                                "768x7x7",
                                "fasternet_t0",
                                "fasternet_t1");
                    }
                    for (RunResult r : run(b)) {
                        BenchmarkParams p = r.getParams();
                        String w = p.getParam("workload");
                        boolean model = w.startsWith("fasternet");
                        rows.add(
                                BenchRow.of(
                                        model ? w : "pconv3x3_r4",
                                        p.getParam("mode").toLowerCase(Locale.ROOT),
                                        model ? new long[] {3, 224, 224} : Workloads.chw(w),
                                        1,
                                        r.getPrimaryResult().getScore(),
                                        model
                                                ? Workloads.modelMacs(w)
                                                : Workloads.stackMacs("pconv3x3_r4", w)));
                    }
                    break;
                }
            case MODELS:
            case PFLAYER:
                {
                    List<String> models =
                            s.models().isEmpty()
                                    ? (this == MODELS ? MODELS_DEFAULT : PFLAYER_DEFAULT)
                                    : s.models();
                    if (s.engines().contains(InferenceEngine.PYTORCH)) {
                        ChainedOptionsBuilder b =
                                options(
                                                s,
                                                this == MODELS
                                                        ? ModelBenchmark.class
                                                        : PfLayerBenchmark.class)
                                        .param("model", strings(models))
                                        .param("batch", strings(s.batches()));
                        for (RunResult r : run(b)) {
                            BenchmarkParams p = r.getParams();
                            String m = p.getParam("model");
                            rows.add(
                                    BenchRow.of(
                                            Workloads.displayName(m),
                                            null,
                                            Workloads.inputChw(m),
                                            Integer.parseInt(p.getParam("batch")),
                                            r.getPrimaryResult().getScore(),
                                            Workloads.modelMacs(m)));
                        }
                    }
                    List<String> zoo = models.stream().filter(m -> !m.startsWith("djl_")).toList();
                    if (s.engines().contains(InferenceEngine.ONNX_RUNTIME) && !zoo.isEmpty()) {
                        rows.addAll(onnxRuntimeRows(s, zoo, s.batches(), ONNX_RUNTIME, refused));
                    }
                    if (s.peerOnnx() != null) {
                        List<String> files = new ArrayList<>();
                        try (var list = java.nio.file.Files.list(s.peerOnnx())) {
                            list.filter(f -> f.getFileName().toString().endsWith(".onnx"))
                                    .sorted()
                                    .forEach(
                                            f ->
                                                    files.add(
                                                            OnnxRuntimeBenchmark.FILE
                                                                    + f.toAbsolutePath()));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(
                                    "cannot list " + s.peerOnnx(), e);
                        }
                        if (!files.isEmpty()) {
                            // External files may fix their batch at 1.
                            rows.addAll(onnxRuntimeRows(s, files, List.of(1), PEER, refused));
                        }
                    }
                    break;
                }
            default:
                throw new AssertionError(this);
        }
        double best = rows.stream().mapToDouble(BenchRow::flopsPerS).max().orElse(0);
        double peak = PeakShare.reconcile(measured, best, () -> peak(s));
        List<BenchReport.Finding> findings = findings(rows, peak);
        findings.addAll(refused);
        return new BenchReport(name().toLowerCase(Locale.ROOT), peak, s.threads(), rows, findings);
    }

    /** The variant of rows measured on ONNX Runtime from fastvision's own export. */
    public static final String ONNX_RUNTIME = "onnxruntime";

    /** The variant of rows measured on ONNX Runtime from an externally exported file. */
    public static final String PEER = "onnxruntime peer";

    /**
     * Measures models on ONNX Runtime, one JMH run per model: a model whose export fails its
     * full-size check against fastvision's output (or that ONNX Runtime refuses) gets a finding
     * instead of a row, and the other models are still measured.
     */
    private List<BenchRow> onnxRuntimeRows(
            Settings s,
            List<String> models,
            List<Integer> batches,
            String variant,
            List<BenchReport.Finding> refused) {
        List<BenchRow> rows = new ArrayList<>();
        for (String model : models) {
            ChainedOptionsBuilder b =
                    options(s, OnnxRuntimeBenchmark.class)
                            .param("model", model)
                            .param("batch", strings(batches));
            Collection<RunResult> results;
            try {
                results = run(b);
            } catch (IllegalStateException e) {
                refused.add(
                        finding(
                                "ONNX Runtime row of "
                                        + displayName(model)
                                        + " refused: export check or run failed, see "
                                        + s.log(),
                                Double.NaN,
                                "export within 1e-4 of fastvision's output",
                                false));
                continue;
            }
            for (RunResult r : results) {
                BenchmarkParams p = r.getParams();
                String param = p.getParam("model");
                String name = displayName(param);
                boolean peer = param.startsWith(OnnxRuntimeBenchmark.FILE);
                long macs = peer ? knownMacs(name) : Workloads.modelMacs(param);
                boolean int8 =
                        !peer
                                && Workloads.weightsFile(param)
                                        .map(
                                                f ->
                                                        Files.isRegularFile(
                                                                RuntimeRequest.int8Model(f, false)))
                                        .orElse(false);
                rows.add(
                        BenchRow.of(
                                name,
                                int8 ? variant + " int8" : variant,
                                peer ? new long[] {3, 224, 224} : Workloads.inputChw(param),
                                Integer.parseInt(p.getParam("batch")),
                                r.getPrimaryResult().getScore(),
                                macs));
            }
        }
        return rows;
    }

    /**
     * A zoo name as is; a weights file as {@link Workloads#displayName}; a peer file by its name
     * without {@code .onnx}.
     */
    private static String displayName(String model) {
        if (!model.startsWith(OnnxRuntimeBenchmark.FILE)) {
            return Workloads.displayName(model);
        }
        return Path.of(model.substring(OnnxRuntimeBenchmark.FILE.length()))
                .getFileName()
                .toString()
                .replaceFirst("\\.onnx$", "");
    }

    /** Multiply-adds of a peer file named after a zoo model or DJL baseline, else 0 (unknown). */
    private static long knownMacs(String name) {
        try {
            return Workloads.modelMacs(name);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    private static OptionalDouble latency(
            List<BenchRow> rows, String name, String variant, int batch) {
        return rows.stream()
                .filter(
                        r ->
                                r.name().equals(name)
                                        && r.batch() == batch
                                        && (variant == null
                                                ? r.variant() == null
                                                : variant.equals(r.variant())))
                .mapToDouble(BenchRow::latencyMs)
                .average();
    }

    private List<BenchReport.Finding> findings(List<BenchRow> rows, double peak) {
        List<BenchReport.Finding> out = new ArrayList<>();
        switch (this) {
            case OPS:
                {
                    double ratio = 0;
                    int n = 0;
                    for (String map : Workloads.FEATURE_MAPS) {
                        long[] c = Workloads.chw(map);
                        double pc = flops(rows, "pconv3x3_r4", c);
                        double dw = flops(rows, "dwconv3x3", c);
                        if (pc > 0 && dw > 0) {
                            ratio += pc / dw;
                            n++;
                        }
                    }
                    if (n > 0) {
                        out.add(
                                finding(
                                        "PConv / DWConv achieved FLOPS, mean over sizes (batch 1)",
                                        ratio / n,
                                        ">= 6 (paper 7.5 on CPU)",
                                        ratio / n >= 6));
                    }
                    double conv =
                            rows.stream()
                                    .filter(r -> r.name().equals("conv3x3") && r.batch() == 1)
                                    .mapToDouble(BenchRow::flopsPerS)
                                    .max()
                                    .orElse(0);
                    if (conv > 0) {
                        OptionalDouble share = PeakShare.of(conv, peak);
                        out.add(
                                share.isPresent()
                                        ? finding(
                                                "Conv 3x3 best achieved FLOPS / matmul peak (batch 1)",
                                                share.getAsDouble(),
                                                ">= 0.5",
                                                share.getAsDouble() >= 0.5)
                                        : finding(
                                                "Conv 3x3 best achieved FLOPS / measured matmul"
                                                        + " peak (batch 1): above 1, so that peak"
                                                        + " was measured too low",
                                                conv / peak,
                                                null,
                                                null));
                    }
                    break;
                }
            case PCONV:
                {
                    for (BenchRow r : rows) {
                        if ("slicing".equals(r.variant())) {
                            OptionalDouble split =
                                    rows.stream()
                                            .filter(
                                                    o ->
                                                            "split_cat".equals(o.variant())
                                                                    && o.name().equals(r.name())
                                                                    && java.util.Arrays.equals(
                                                                            o.input(), r.input()))
                                            .mapToDouble(BenchRow::latencyMs)
                                            .findFirst();
                            if (split.isPresent()) {
                                String in = r.input()[0] + "x" + r.input()[1] + "x" + r.input()[2];
                                out.add(
                                        finding(
                                                "slicing / split_cat latency, "
                                                        + r.name()
                                                        + " "
                                                        + in,
                                                r.latencyMs() / split.getAsDouble(),
                                                null,
                                                null));
                            }
                        }
                    }
                    break;
                }
            default:
                {
                    ratio(
                            out,
                            rows,
                            "fasternet_t0",
                            "djl_mobilenetv2",
                            "<= 0.65 (paper 1/1.6)",
                            v -> v <= 0.65);
                    ratio(out, rows, "resnet50", "fasternet_t0", ">= 7 (paper 8.5)", v -> v >= 7);
                    ratio(out, rows, "resnet50", "djl_resnetv1_50", "<= 0.9", v -> v <= 0.9);
                    ratio(
                            out,
                            rows,
                            "resnet50_hybrid",
                            "resnet50",
                            "<= 0.88 (paper -12% on CPU)",
                            v -> v <= 0.88);
                    ratio(
                            out,
                            rows,
                            "resnet50_deform_max",
                            "resnet50_hybrid",
                            "<= 1.5",
                            v -> v <= 1.5);
                    ratio(out, rows, "resnet50_max", "resnet50", null, null);
                    ratio(out, rows, "vit_small_maxpool", "vit_small", null, null);
                    ratio(out, rows, "vit_small_dwconv", "vit_small", null, null);
                    engineRatios(out, rows);
                    prunedRatios(out, rows);
                    break;
                }
        }
        return out;
    }

    /**
     * PyTorch / ONNX Runtime latency of every model measured on both, against the target that the
     * default path be no slower than ONNX Runtime running fastvision's own export.
     */
    private static void engineRatios(List<BenchReport.Finding> out, List<BenchRow> rows) {
        for (BenchRow r : rows) {
            if (ONNX_RUNTIME.equals(r.variant()) && r.batch() == 1) {
                OptionalDouble torch = latency(rows, r.name(), null, 1);
                if (torch.isPresent()) {
                    double v = torch.getAsDouble() / r.latencyMs();
                    out.add(
                            finding(
                                    "latency "
                                            + r.name()
                                            + " PyTorch / OnnxRuntime (batch 1; default engine "
                                            + defaultEngine(r.name())
                                            + ")",
                                    v,
                                    "<= 1 (no slower than ONNX Runtime)",
                                    v <= 1));
                }
            }
        }
    }

    /**
     * Speed-up of every model loaded from a weights file (a pruned model, "vgg16_bn_cifar@p60")
     * over its zoo model measured in the same run, on the same engine and batch, against the target
     * of at least 0.8 × its FLOPs ratio.
     */
    private static void prunedRatios(List<BenchReport.Finding> out, List<BenchRow> rows) {
        for (BenchRow r : rows) {
            String base = Workloads.baseName(r.name());
            if (base.equals(r.name()) || r.flops() <= 0) {
                continue;
            }
            for (BenchRow b : rows) {
                if (b.name().equals(base)
                        && b.batch() == r.batch()
                        && java.util.Objects.equals(b.variant(), r.variant())
                        && b.flops() > 0) {
                    double flopsRatio = (double) b.flops() / r.flops();
                    double v = b.latencyMs() / r.latencyMs();
                    out.add(
                            finding(
                                    String.format(
                                            Locale.ROOT,
                                            "speed-up %s over %s (batch %d, %s; FLOPs ratio %.2f)",
                                            r.name(),
                                            base,
                                            r.batch(),
                                            r.variant() == null ? "PyTorch" : r.variant(),
                                            flopsRatio),
                                    v,
                                    String.format(
                                            Locale.ROOT,
                                            ">= %.2f (0.8 x FLOPs ratio)",
                                            0.8 * flopsRatio),
                                    v >= 0.8 * flopsRatio));
                }
            }
        }
    }

    private static String defaultEngine(String model) {
        return InferenceEngine.defaultFor(Workloads.baseName(model)).djlName();
    }

    private static double flops(List<BenchRow> rows, String op, long[] input) {
        return rows.stream()
                .filter(
                        r ->
                                r.name().equals(op)
                                        && r.batch() == 1
                                        && java.util.Arrays.equals(r.input(), input))
                .mapToDouble(BenchRow::flopsPerS)
                .findFirst()
                .orElse(0);
    }

    private static BenchReport.Finding finding(
            String name, double value, String target, Boolean met) {
        return new BenchReport.Finding(name, value, target, met);
    }

    private static void ratio(
            List<BenchReport.Finding> out,
            List<BenchRow> rows,
            String a,
            String b,
            String target,
            java.util.function.DoublePredicate test) {
        OptionalDouble la = latency(rows, a, null, 1);
        OptionalDouble lb = latency(rows, b, null, 1);
        if (la.isPresent() && lb.isPresent()) {
            double v = la.getAsDouble() / lb.getAsDouble();
            out.add(
                    finding(
                            "latency " + a + " / " + b + " (batch 1)",
                            v,
                            target,
                            test == null ? null : test.test(v)));
        }
    }
}
