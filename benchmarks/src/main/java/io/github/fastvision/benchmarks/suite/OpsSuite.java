package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.ops.OperatorStackBenchmark;
import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.report.PeakShare;
import io.github.fastvision.benchmarks.workload.Workloads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;

/** fasternet Table 1: ten-layer stacks of Conv, GConv, DWConv and PConv at FasterNet's widths. */
final class OpsSuite extends BenchSuite {

    OpsSuite() {
        super("ops", "fasternet Table 1: operator stacks (Conv, GConv, DWConv, PConv)");
    }

    @Override
    protected List<BenchRow> rows(BenchSettings s, List<BenchReport.Finding> refused) {
        List<BenchRow> rows = new ArrayList<>();
        var b =
                Jmh.options(s, OperatorStackBenchmark.class)
                        .param("batch", Jmh.strings(s.batches()));
        for (RunResult r : Jmh.run(b)) {
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
        return rows;
    }

    @Override
    protected List<BenchReport.Finding> findings(List<BenchRow> rows, double peak) {
        List<BenchReport.Finding> out = new ArrayList<>();
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
                            PaperTargets.PCONV_OVER_DWCONV_FLOPS));
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
                                    PaperTargets.CONV_SHARE_OF_PEAK)
                            : finding(
                                    "Conv 3x3 best achieved FLOPS / measured matmul peak (batch"
                                            + " 1): above 1, so that peak was measured too low",
                                    conv / peak,
                                    null));
        }
        return out;
    }

    /** Achieved multiply-adds per second of one operator at one feature map, batch 1. */
    private static double flops(List<BenchRow> rows, String op, long[] input) {
        return rows.stream()
                .filter(
                        r ->
                                r.name().equals(op)
                                        && r.batch() == 1
                                        && Arrays.equals(r.input(), input))
                .mapToDouble(BenchRow::flopsPerS)
                .findFirst()
                .orElse(0);
    }
}
