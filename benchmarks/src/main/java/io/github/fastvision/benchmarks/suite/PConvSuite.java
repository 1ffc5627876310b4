package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.ops.PConvModeBenchmark;
import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.workload.Workloads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;

/** fasternet Table 9: PConv's split-cat and slicing modes on stacks and whole FasterNets. */
final class PConvSuite extends BenchSuite {

    PConvSuite() {
        super("pconv", "fasternet Table 9: PConv split-cat against slicing");
    }

    /** Table 9 is measured at batch 1. */
    @Override
    public List<Integer> defaultBatches() {
        return List.of(1);
    }

    @Override
    protected List<BenchRow> rows(BenchSettings s, List<BenchReport.Finding> refused) {
        var b = Jmh.options(s, PConvModeBenchmark.class);
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
        List<BenchRow> rows = new ArrayList<>();
        for (RunResult r : Jmh.run(b)) {
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
        return rows;
    }

    @Override
    protected List<BenchReport.Finding> findings(List<BenchRow> rows, double peak) {
        List<BenchReport.Finding> out = new ArrayList<>();
        for (BenchRow r : rows) {
            if (!"slicing".equals(r.variant())) {
                continue;
            }
            OptionalDouble split =
                    rows.stream()
                            .filter(
                                    o ->
                                            "split_cat".equals(o.variant())
                                                    && o.name().equals(r.name())
                                                    && Arrays.equals(o.input(), r.input()))
                            .mapToDouble(BenchRow::latencyMs)
                            .findFirst();
            if (split.isPresent()) {
                String in = r.input()[0] + "x" + r.input()[1] + "x" + r.input()[2];
                out.add(
                        finding(
                                "slicing / split_cat latency, " + r.name() + " " + in,
                                r.latencyMs() / split.getAsDouble(),
                                null));
            }
        }
        return out;
    }
}
