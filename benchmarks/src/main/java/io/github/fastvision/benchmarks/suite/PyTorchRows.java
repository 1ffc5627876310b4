package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.workload.Workloads;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;

/** Models on DJL's PyTorch engine in fp32, through one of the forward-pass JMH classes. */
final class PyTorchRows implements EngineRows {

    private final Class<?> benchmark;

    /**
     * Measures through a JMH class.
     *
     * @param benchmark a forward-pass benchmark with {@code model} and {@code batch} parameters
     */
    PyTorchRows(Class<?> benchmark) {
        this.benchmark = benchmark;
    }

    @Override
    public List<BenchRow> measure(
            BenchSettings s, List<String> models, List<BenchReport.Finding> refused) {
        var b =
                Jmh.options(s, benchmark)
                        .param("model", Jmh.strings(models))
                        .param("batch", Jmh.strings(s.batches()));
        List<BenchRow> rows = new ArrayList<>();
        for (RunResult r : Jmh.run(b)) {
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
        return rows;
    }
}
