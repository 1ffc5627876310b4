package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.report.PeakShare;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.models.InferenceEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;

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
        if (s.fp32() && s.engines().contains(InferenceEngine.PYTORCH)) {
            engines.add(new PyTorchRows(pyTorchBenchmark));
        }
        if (s.fp32() && s.engines().contains(InferenceEngine.ONNX_RUNTIME)) {
            engines.add(OnnxRuntimeRows.exports());
        }
        if (s.int8()) {
            engines.add(new OnnxRuntimeInt8Rows());
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
    protected final boolean measuresInt8(BenchSettings s) {
        return s.int8();
    }

    @Override
    protected final List<BenchReport.Finding> findings(List<BenchRow> rows, double peak) {
        return findings(rows, peak, 0);
    }

    @Override
    protected final List<BenchReport.Finding> findings(
            List<BenchRow> rows, double peak, double int8Peak) {
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
        int8SpeedUps(out, rows);
        int8PeakShares(out, rows, int8Peak);
        return out;
    }

    /**
     * The int8 row's speed-up over the fp32 ONNX Runtime row of the same model and batch, per model
     * and batch, then their geometric mean over the models measured at each batch.
     */
    private static void int8SpeedUps(List<BenchReport.Finding> out, List<BenchRow> rows) {
        Map<Integer, List<Double>> byBatch = new TreeMap<>();
        for (BenchRow r : rows) {
            if (!OnnxRuntimeInt8Rows.VARIANT.equals(r.variant())) {
                continue;
            }
            OptionalDouble fp32 = latency(rows, r.name(), OnnxRuntimeRows.ONNX_RUNTIME, r.batch());
            if (fp32.isEmpty() || !(r.latencyMs() > 0)) {
                continue;
            }
            double speedUp = fp32.getAsDouble() / r.latencyMs();
            byBatch.computeIfAbsent(r.batch(), b -> new ArrayList<>()).add(speedUp);
            out.add(
                    finding(
                            String.format(
                                    Locale.ROOT,
                                    "int8 speed-up %s over OnnxRuntime fp32 (batch %d)",
                                    r.name(),
                                    r.batch()),
                            speedUp,
                            PaperTargets.int8SpeedUp(r.batch())));
        }
        for (Map.Entry<Integer, List<Double>> e : byBatch.entrySet()) {
            List<Double> v = e.getValue();
            double logs = v.stream().mapToDouble(Math::log).sum();
            out.add(
                    finding(
                            String.format(
                                    Locale.ROOT,
                                    "int8 speed-up over OnnxRuntime fp32, geometric mean of %d"
                                            + " model(s) (batch %d)",
                                    v.size(),
                                    e.getKey()),
                            Math.exp(logs / v.size()),
                            PaperTargets.INT8_SPEEDUP_GEOMEAN));
        }
    }

    /** The int8 rows' shares of the int8 peak that {@link PaperTargets} names a target for. */
    private static void int8PeakShares(
            List<BenchReport.Finding> out, List<BenchRow> rows, double int8Peak) {
        if (!(int8Peak > 0)) {
            return;
        }
        for (PaperTargets.PeakShareTarget t : PaperTargets.INT8_PEAK_SHARES) {
            for (BenchRow r : rows) {
                if (OnnxRuntimeInt8Rows.VARIANT.equals(r.variant())
                        && r.name().equals(t.model())
                        && r.batch() == t.batch()) {
                    String name =
                            String.format(
                                    Locale.ROOT,
                                    "%s int8 batch %d share of int8 peak",
                                    t.model(),
                                    t.batch());
                    OptionalDouble share = PeakShare.of(r.flopsPerS(), int8Peak);
                    out.add(
                            share.isPresent()
                                    ? finding(name, share.getAsDouble(), t.target())
                                    : finding(
                                            name
                                                    + ": above 1, so that peak was measured too"
                                                    + " low",
                                            r.flopsPerS() / int8Peak,
                                            null));
                }
            }
        }
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
