package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.models.InferenceEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A suite of whole models on each engine the run names, compared through the latency ratios of
 * {@link PaperTargets}, PyTorch against ONNX Runtime, and pruned models against their zoo model.
 */
abstract class ZooModelSuite extends BenchSuite {

    private final Class<?> pyTorchBenchmark;
    private final List<String> defaultModels;

    /**
     * Names the suite.
     *
     * @param name the name
     * @param description one line
     * @param pyTorchBenchmark the JMH class that times the models on PyTorch
     * @param defaultModels the models measured when the run names none
     */
    ZooModelSuite(
            String name,
            String description,
            Class<?> pyTorchBenchmark,
            List<String> defaultModels) {
        super(name, description);
        this.pyTorchBenchmark = pyTorchBenchmark;
        this.defaultModels = List.copyOf(defaultModels);
    }

    /**
     * The models measured when the run names none.
     *
     * @return zoo names and DJL baselines
     */
    public List<String> defaultModels() {
        return defaultModels;
    }

    /**
     * The engines (and precisions) a run measures, in the order their rows appear.
     *
     * @param s settings
     * @return the row sources
     */
    List<EngineRows> engines(BenchSettings s) {
        List<EngineRows> engines = new ArrayList<>();
        if (s.engines().contains(InferenceEngine.PYTORCH)) {
            engines.add(new PyTorchRows(pyTorchBenchmark));
        }
        if (s.engines().contains(InferenceEngine.ONNX_RUNTIME)) {
            engines.add(OnnxRuntimeRows.exports());
        }
        if (s.peerOnnx() != null) {
            engines.add(OnnxRuntimeRows.peers(s.peerOnnx()));
        }
        return engines;
    }

    @Override
    protected final List<BenchRow> rows(BenchSettings s, List<BenchReport.Finding> refused) {
        List<String> models = s.models().isEmpty() ? defaultModels : s.models();
        List<BenchRow> rows = new ArrayList<>();
        for (EngineRows e : engines(s)) {
            rows.addAll(e.measure(s, models, refused));
        }
        return rows;
    }

    @Override
    protected final List<BenchReport.Finding> findings(List<BenchRow> rows, double peak) {
        List<BenchReport.Finding> out = new ArrayList<>();
        for (PaperTargets.LatencyRatio r : PaperTargets.LATENCY_RATIOS) {
            OptionalDouble a = latency(rows, r.numerator(), null, 1);
            OptionalDouble b = latency(rows, r.denominator(), null, 1);
            if (a.isPresent() && b.isPresent()) {
                out.add(
                        finding(
                                "latency " + r.numerator() + " / " + r.denominator() + " (batch 1)",
                                a.getAsDouble() / b.getAsDouble(),
                                r.target()));
            }
        }
        engineRatios(out, rows);
        prunedRatios(out, rows);
        return out;
    }

    /** PyTorch / ONNX Runtime latency at batch 1 of every model measured on both. */
    private static void engineRatios(List<BenchReport.Finding> out, List<BenchRow> rows) {
        for (BenchRow r : rows) {
            if (OnnxRuntimeRows.ONNX_RUNTIME.equals(r.variant()) && r.batch() == 1) {
                OptionalDouble torch = latency(rows, r.name(), null, 1);
                if (torch.isPresent()) {
                    String engine =
                            InferenceEngine.defaultFor(Workloads.baseName(r.name())).djlName();
                    out.add(
                            finding(
                                    "latency "
                                            + r.name()
                                            + " PyTorch / OnnxRuntime (batch 1; default engine "
                                            + engine
                                            + ")",
                                    torch.getAsDouble() / r.latencyMs(),
                                    PaperTargets.PYTORCH_OVER_ONNX_RUNTIME));
                }
            }
        }
    }

    /**
     * Speed-up of every model loaded from a weights file (a pruned model, "vgg16_bn_cifar@p60")
     * over its zoo model measured in the same run, on the same engine and batch, against a share of
     * its FLOPs ratio.
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
                        && Objects.equals(b.variant(), r.variant())
                        && b.flops() > 0) {
                    double flopsRatio = (double) b.flops() / r.flops();
                    double share = PaperTargets.PRUNED_SHARE_OF_FLOPS_RATIO;
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
                                    b.latencyMs() / r.latencyMs(),
                                    Target.atLeast(share * flopsRatio, share + " x FLOPs ratio")));
                }
            }
        }
    }

    private static OptionalDouble latency(
            List<BenchRow> rows, String name, String variant, int batch) {
        return rows.stream()
                .filter(
                        r ->
                                r.name().equals(name)
                                        && r.batch() == batch
                                        && Objects.equals(variant, r.variant()))
                .mapToDouble(BenchRow::latencyMs)
                .average();
    }
}
