package io.github.fastvision.examples.cli;

import io.github.fastvision.benchmarks.BenchSuite;
import io.github.fastvision.benchmarks.PeakShare;
import io.github.fastvision.benchmarks.Workloads;
import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.report.ReportWriter;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Latency, throughput and achieved FLOPS of operators and models, measured with JMH. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Benchmark operators (ops), PConv modes (pconv), models (models) or pflayer's comparisons (pflayer).")
public final class BenchCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Parameters(index = "0", description = "ops, pconv, models or pflayer")
    private String suite;

    @Option(
            names = "--threads",
            defaultValue = "1",
            description = "Intra-op threads (default ${DEFAULT-VALUE}, the papers' CPU setting).")
    private int threads;

    @Option(
            names = "--batch",
            split = ",",
            description = "Batch sizes (default 1 and 32; pconv: 1).")
    private List<Integer> batches;

    @Option(
            names = "--models",
            split = ",",
            description =
                    "Models for models/pflayer (zoo names, djl_resnetv1_50, djl_mobilenetv2).")
    private List<String> models;

    @Option(
            names = "--weights",
            split = ",",
            description =
                    "models: weights files (.fvw, e.g. from prune or train), each measured as one"
                            + " more model (named <model>@<folder>) at the widths and input size"
                            + " it records; with its zoo model among --models, the speed-up is"
                            + " compared with the FLOPs ratio.")
    private List<Path> weights;

    @Option(
            names = "--quick",
            description =
                    "Short runs: in-process at batch 1, one fork per benchmark at larger batches.")
    private boolean quick;

    @Option(
            names = "--engine",
            description =
                    "models/pflayer: PyTorch, OnnxRuntime, or both side by side with ratios"
                            + " (default both).")
    private String engine;

    @Option(
            names = "--peer-onnx",
            description =
                    "models/pflayer: a directory of externally exported .onnx files, each run on"
                            + " ONNX Runtime as a peer row (batch 1).")
    private Path peerOnnx;

    @Mixin private JsonOption json;

    @Option(
            names = "--out",
            defaultValue = "target/bench",
            description = "Directory for JSON, Markdown and PNG charts (default ${DEFAULT-VALUE}).")
    private Path out;

    /** The DJL model-zoo baselines the models suite takes besides zoo names. */
    private static final List<String> DJL_MODELS = List.of("djl_resnetv1_50", "djl_mobilenetv2");

    private List<InferenceEngine> engines() {
        if (engine == null || engine.equalsIgnoreCase("both")) {
            return List.of(InferenceEngine.values());
        }
        try {
            return List.of(InferenceEngine.parse(engine));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--engine: " + e.getMessage() + ", or both", e);
        }
    }

    @Override
    public Integer call() throws IOException {
        BenchSuite s = BenchSuite.parse(suite);
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1 but was " + threads);
        }
        List<Integer> b =
                batches != null ? batches : s == BenchSuite.PCONV ? List.of(1) : List.of(1, 32);
        for (int x : b) {
            if (x < 1) {
                throw new IllegalArgumentException("--batch values must be >= 1 but got " + x);
            }
        }
        for (String m : models == null ? List.<String>of() : models) {
            // Before JMH starts: inside a fork an unknown name is only "Benchmark caught the
            // exception".
            if (!DJL_MODELS.contains(m)) {
                try {
                    ModelRegistry.info(m);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "--models: " + e.getMessage() + "; or one of " + DJL_MODELS, e);
                }
            }
        }
        List<String> names = new ArrayList<>(models == null ? List.of() : models);
        for (Path w : weights == null ? List.<Path>of() : weights) {
            if (s != BenchSuite.MODELS) {
                throw new IllegalArgumentException("--weights applies to the models suite only");
            }
            if (!Files.isRegularFile(w)) {
                throw new IllegalArgumentException(
                        "--weights: " + w + " is not a file; expected a .fvw weights file");
            }
            // Read the header now: a bad file fails here with its name, not inside a JMH fork.
            WeightsFile.Header header = WeightsFile.header(w);
            ModelRegistry.info(header.model());
            names.add(Workloads.WEIGHTS + w.toAbsolutePath());
        }
        Files.createDirectories(out);
        Path log = out.resolve(s.name().toLowerCase(Locale.ROOT) + "_jmh.log");
        BenchReport report =
                s.run(
                        BenchSuite.Settings.builder()
                                .optThreads(threads)
                                .optBatches(b)
                                .optModels(names)
                                .optQuick(quick)
                                .optEngines(engines())
                                .optPeerOnnx(peerOnnx)
                                .setLog(log)
                                .build());
        List<Path> files = ReportWriter.write(report, out);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json.enabled()) {
            Json.print(stdout, report);
        } else {
            stdout.printf(
                    "fastvision bench %s: %d thread(s), peak %.1f G multiply-adds/s (2048² matmul)%n%n",
                    report.suite(), report.threads(), report.peakFlopsPerS() / 1e9);
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
                        PeakShare.cell(r.flopsPerS(), report.peakFlopsPerS()));
            }
            t.print(stdout);
            PeakShare.note(
                            report.rows().stream().mapToDouble(BenchRow::flopsPerS),
                            report.peakFlopsPerS())
                    .ifPresent(stdout::println);
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
            stdout.println();
            stdout.println("wrote " + files);
        }
        stdout.flush();
        return 0;
    }
}
