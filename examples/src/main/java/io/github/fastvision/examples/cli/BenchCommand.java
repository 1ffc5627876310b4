package io.github.fastvision.examples.cli;

import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.report.PeakShare;
import io.github.fastvision.benchmarks.report.ReportWriter;
import io.github.fastvision.benchmarks.suite.BenchSettings;
import io.github.fastvision.benchmarks.suite.BenchSuite;
import io.github.fastvision.benchmarks.suite.Suites;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.runtime.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * Latency, throughput and achieved FLOPS of operators and models, measured with JMH: one subcommand
 * per suite, each with its own options besides the shared ones.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Benchmark operators (ops), PConv modes (pconv), models (models) or pflayer's"
                        + " comparisons (pflayer); `bench <suite> --help` lists a suite's options.",
        subcommands = {
            BenchCommand.Ops.class,
            BenchCommand.PConv.class,
            BenchCommand.Models.class,
            BenchCommand.PfLayer.class
        })
public final class BenchCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--threads",
            scope = ScopeType.INHERIT,
            defaultValue = "1",
            description = "Intra-op threads (default ${DEFAULT-VALUE}, the papers' CPU setting).")
    private int threads;

    @Option(
            names = "--batch",
            scope = ScopeType.INHERIT,
            split = ",",
            description = "Batch sizes (default 1 and 32; pconv: 1).")
    private List<Integer> batches;

    @Option(
            names = "--quick",
            scope = ScopeType.INHERIT,
            description =
                    "Short runs: in-process at batch 1, one fork per benchmark at larger batches.")
    private boolean quick;

    // The shared JsonOption cannot be inherited by subcommands, so bench declares it the same way.
    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description = "Print one JSON document on stdout.")
    private boolean json;

    @Option(
            names = "--out",
            scope = ScopeType.INHERIT,
            defaultValue = "target/bench",
            description = "Directory for JSON, Markdown and PNG charts (default ${DEFAULT-VALUE}).")
    private Path out;

    /** The DJL model-zoo baselines the model suites take besides zoo names. */
    private static final List<String> DJL_MODELS = List.of("djl_resnetv1_50", "djl_mobilenetv2");

    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(), "name a suite: ops, pconv, models or pflayer");
    }

    /** fasternet Table 1. */
    @Command(
            name = "ops",
            mixinStandardHelpOptions = true,
            description =
                    "fasternet Table 1: ten-layer stacks of Conv, GConv, DWConv and PConv at"
                            + " FasterNet's four feature maps; PConv/DWConv FLOPS ratio and Conv's"
                            + " share of the matmul peak.")
    static final class Ops implements Callable<Integer> {

        @ParentCommand private BenchCommand bench;

        @Override
        public Integer call() throws IOException {
            return bench.run(
                    Suites.OPS,
                    List.of(),
                    List.of(InferenceEngine.values()),
                    null,
                    List.of(Precision.FP32));
        }
    }

    /** fasternet Table 9. */
    @Command(
            name = "pconv",
            mixinStandardHelpOptions = true,
            description =
                    "fasternet Table 9: PConv's split-cat and slicing modes on operator stacks and"
                            + " whole FasterNets (batch 1).")
    static final class PConv implements Callable<Integer> {

        @ParentCommand private BenchCommand bench;

        @Override
        public Integer call() throws IOException {
            return bench.run(
                    Suites.PCONV,
                    List.of(),
                    List.of(InferenceEngine.values()),
                    null,
                    List.of(Precision.FP32));
        }
    }

    /** The options of the suites that measure whole models. */
    static final class ModelOptions {

        @Option(
                names = "--models",
                split = ",",
                description =
                        "Models to measure: zoo names (`fastvision zoo`), djl_resnetv1_50,"
                                + " djl_mobilenetv2 (default: the suite's list).")
        List<String> models;

        @Option(
                names = "--engine",
                description =
                        "PyTorch, OnnxRuntime, or both side by side with their latency ratio"
                                + " (default both).")
        String engine;

        @Option(
                names = "--peer-onnx",
                description =
                        "A directory of externally exported .onnx files, each run on ONNX Runtime"
                                + " as a peer row (batch 1).")
        Path peerOnnx;

        @Option(
                names = "--precision",
                split = ",",
                description =
                        "fp32, int8 or fp32,int8 (default fp32). int8: each zoo model named is"
                                + " also quantized on the fly (its random initialization,"
                                + " calibrated MinMax on 8 generated images at its input size)"
                                + " and measured on ONNX Runtime as an \"onnxruntime int8\" row,"
                                + " whatever --engine; with fp32 ONNX Runtime rows beside it, the"
                                + " findings give each model's int8 speed-up per batch, their"
                                + " geometric mean, and the int8 rows' share of peak is of the"
                                + " int8 peak"
                                + " (a uint8 x int8 matrix product on ONNX Runtime, same run).")
        List<String> precision;

        List<Precision> precisions() {
            if (precision == null) {
                return List.of(Precision.FP32);
            }
            List<Precision> out = new ArrayList<>();
            for (String p : precision) {
                Precision x;
                try {
                    x = Precision.parse(p);
                } catch (IllegalArgumentException e) {
                    x = Precision.AUTO;
                }
                if (x == Precision.AUTO) {
                    throw new IllegalArgumentException(
                            "--precision: expected fp32, int8 or fp32,int8 but got '" + p + "'");
                }
                if (!out.contains(x)) {
                    out.add(x);
                }
            }
            return out;
        }

        List<InferenceEngine> engines() {
            if (engine == null || engine.equalsIgnoreCase("both")) {
                return List.of(InferenceEngine.values());
            }
            try {
                return List.of(InferenceEngine.parse(engine));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--engine: " + e.getMessage() + ", or both", e);
            }
        }

        /**
         * Checks every name before JMH starts: inside a fork it would only be "Benchmark caught the
         * exception".
         */
        List<String> names() {
            List<String> names = models == null ? List.of() : models;
            for (String m : names) {
                if (!DJL_MODELS.contains(m)) {
                    try {
                        ModelRegistry.info(m);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(
                                "--models: " + e.getMessage() + "; or one of " + DJL_MODELS, e);
                    }
                }
            }
            return new ArrayList<>(names);
        }
    }

    /** Zoo models and weights files against DJL's baselines. */
    @Command(
            name = "models",
            mixinStandardHelpOptions = true,
            description =
                    "Zoo models and weights files against DJL's own ResNetV1-50 and MobileNetV2,"
                            + " on PyTorch and ONNX Runtime: latency, throughput, achieved FLOPS,"
                            + " the papers' latency ratios, PyTorch / ONNX Runtime per model, and"
                            + " a pruned model's speed-up against its FLOPs ratio; with"
                            + " --precision fp32,int8 also int8 rows and their speed-ups.")
    static final class Models implements Callable<Integer> {

        @ParentCommand private BenchCommand bench;

        @Mixin private ModelOptions options;

        @Option(
                names = "--weights",
                split = ",",
                description =
                        "Weights files (.fvw, e.g. from prune or train), each measured as one"
                                + " more model (named <model>@<folder>) at the widths and input"
                                + " size it records; with its zoo model among --models, the"
                                + " speed-up is compared with the FLOPs ratio.")
        private List<Path> weights;

        @Override
        public Integer call() throws IOException {
            List<String> names = options.names();
            for (Path w : weights == null ? List.<Path>of() : weights) {
                if (!Files.isRegularFile(w)) {
                    throw new IllegalArgumentException(
                            "--weights: " + w + " is not a file; expected a .fvw weights file");
                }
                // Read the header now: a bad file fails here with its name, not inside a JMH fork.
                WeightsFile.Header header = WeightsFile.header(w);
                ModelRegistry.info(header.model());
                names.add(Workloads.WEIGHTS + w.toAbsolutePath());
            }
            return bench.run(
                    Suites.MODELS,
                    names,
                    options.engines(),
                    options.peerOnnx,
                    options.precisions());
        }
    }

    /** pflayer Tables 2–4 and 6. */
    @Command(
            name = "pflayer",
            mixinStandardHelpOptions = true,
            description =
                    "pflayer Tables 2-4 and 6: ResNet-50 and ViT-S with max, hybrid and"
                            + " deformable pooling, on PyTorch and ONNX Runtime.")
    static final class PfLayer implements Callable<Integer> {

        @ParentCommand private BenchCommand bench;

        @Mixin private ModelOptions options;

        @Override
        public Integer call() throws IOException {
            return bench.run(
                    Suites.PFLAYER,
                    options.names(),
                    options.engines(),
                    options.peerOnnx,
                    options.precisions());
        }
    }

    private int run(
            BenchSuite s,
            List<String> names,
            List<InferenceEngine> engines,
            Path peerOnnx,
            List<Precision> precisions)
            throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1 but was " + threads);
        }
        List<Integer> b = batches != null ? batches : s.defaultBatches();
        for (int x : b) {
            if (x < 1) {
                throw new IllegalArgumentException("--batch values must be >= 1 but got " + x);
            }
        }
        Files.createDirectories(out);
        Path log = out.resolve(s.name() + "_jmh.log");
        BenchReport report =
                s.run(
                        BenchSettings.builder()
                                .optThreads(threads)
                                .optBatches(b)
                                .optModels(names)
                                .optQuick(quick)
                                .optEngines(engines)
                                .optPeerOnnx(peerOnnx)
                                .optPrecisions(precisions)
                                .setLog(log)
                                .build());
        List<Path> files = ReportWriter.write(report, out);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(stdout, report);
        } else {
            print(stdout, report);
            stdout.println();
            stdout.println("wrote " + files);
        }
        stdout.flush();
        return 0;
    }

    private static void print(PrintWriter stdout, BenchReport report) {
        stdout.printf(
                "fastvision bench %s: %d thread(s), peak %.1f G multiply-adds/s (2048² matmul)%n%n",
                report.suite(), report.threads(), report.peakFlopsPerS() / 1e9);
        if (report.int8PeakOpsPerS() > 0) {
            stdout.printf(
                    "int8 peak %.1f G multiply-adds/s (%s); int8 rows' %% peak is of it%n%n",
                    report.int8PeakOpsPerS() / 1e9, ReportWriter.INT8_PEAK);
        }
        TextTable t =
                new TextTable(
                        "name:",
                        "variant:",
                        "input:",
                        "batch",
                        "latency (ms)",
                        "img/s",
                        "GFLOPs",
                        "GFLOPS",
                        "% peak");
        for (BenchRow r : report.rows()) {
            t.add(
                    r.name(),
                    r.variant() == null ? "" : r.variant(),
                    r.input()[0] + "x" + r.input()[1] + "x" + r.input()[2],
                    r.batch(),
                    String.format(Locale.ROOT, "%.3f", r.latencyMs()),
                    String.format(Locale.ROOT, "%.1f", r.throughput()),
                    String.format(Locale.ROOT, "%.3f", r.flops() / 1e9),
                    String.format(Locale.ROOT, "%.2f", r.flopsPerS() / 1e9),
                    PeakShare.cell(r.flopsPerS(), report.peakFor(r)));
        }
        t.print(stdout);
        ReportWriter.notes(report).forEach(stdout::println);
        if (!report.findings().isEmpty()) {
            stdout.println();
            TextTable f = new TextTable("finding:", "value", "target:", "met here:");
            for (BenchReport.Finding x : report.findings()) {
                f.add(
                        x.name(),
                        String.format(Locale.ROOT, "%.3f", x.value()),
                        x.target() == null ? "" : x.target(),
                        x.met() == null ? "" : x.met() ? "yes" : "no");
            }
            f.print(stdout);
            if (report.findings().stream().anyMatch(x -> Boolean.FALSE.equals(x.met()))) {
                stdout.println(BenchReport.Finding.MISSED_NOTE);
            }
        }
    }
}
