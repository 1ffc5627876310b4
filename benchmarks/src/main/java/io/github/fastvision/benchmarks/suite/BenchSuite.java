package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.report.PeakShare;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark suite: the JMH runs that give its rows and the findings derived from them. {@link
 * #run} measures the matmul peak, the rows and then the findings; {@link Suites} lists the suites.
 */
public abstract class BenchSuite {

    private final String name;
    private final String description;

    /**
     * Names the suite.
     *
     * @param name the name on the command line and in the report files
     * @param description one line saying what it measures
     */
    protected BenchSuite(String name, String description) {
        this.name = name;
        this.description = description;
    }

    /**
     * The suite's name: ops, pconv, models or pflayer.
     *
     * @return the name
     */
    public final String name() {
        return name;
    }

    /**
     * What the suite measures, in one line.
     *
     * @return the description
     */
    public final String description() {
        return description;
    }

    /**
     * The batch sizes measured when none are given.
     *
     * @return 1 (latency) and 32 (throughput), unless a suite says otherwise
     */
    public List<Integer> defaultBatches() {
        return List.of(1, 32);
    }

    /**
     * Runs the suite.
     *
     * @param s settings
     * @return the report
     */
    public final BenchReport run(BenchSettings s) {
        double measured = Jmh.peak(s);
        boolean int8 = measuresInt8(s);
        double measuredInt8 = int8 ? Jmh.int8Peak(s) : 0;
        List<BenchReport.Finding> refused = new ArrayList<>();
        List<BenchRow> rows = rows(s, refused);
        double best = best(rows, false);
        double peak = PeakShare.reconcile(measured, best, () -> Jmh.peak(s));
        double int8Peak =
                int8
                        ? PeakShare.reconcile(measuredInt8, best(rows, true), () -> Jmh.int8Peak(s))
                        : 0;
        List<BenchReport.Finding> findings = new ArrayList<>(findings(rows, peak, int8Peak));
        findings.addAll(refused);
        return new BenchReport(name, peak, s.threads(), rows, findings, int8Peak);
    }

    /** The highest rate of the rows of one precision (int8 rows are shares of the int8 peak). */
    private static double best(List<BenchRow> rows, boolean int8) {
        return rows.stream()
                .filter(r -> "int8".equals(r.precision()) == int8)
                .mapToDouble(BenchRow::flopsPerS)
                .max()
                .orElse(0);
    }

    /**
     * Whether a run measures int8 rows, and so the int8 peak of {@link
     * io.github.fastvision.benchmarks.ops.Int8PeakBenchmark} too.
     *
     * @param s settings
     * @return false unless a suite says otherwise
     */
    protected boolean measuresInt8(BenchSettings s) {
        return false;
    }

    /**
     * Derives the findings from the rows when the run also measured the int8 peak.
     *
     * @param rows the rows of this run
     * @param peak the float32 matmul peak of this run
     * @param int8Peak the int8 matmul peak of this run, or 0 when not measured
     * @return the findings
     */
    protected List<BenchReport.Finding> findings(
            List<BenchRow> rows, double peak, double int8Peak) {
        return findings(rows, peak);
    }

    /**
     * Measures the suite's rows.
     *
     * @param s settings
     * @param refused where a workload that could not be measured is recorded as a finding
     * @return the rows
     */
    protected abstract List<BenchRow> rows(BenchSettings s, List<BenchReport.Finding> refused);

    /**
     * Derives the numbers the papers' claims are about from the rows.
     *
     * @param rows the rows of this run
     * @param peak the matmul peak of this run
     * @return the findings
     */
    protected abstract List<BenchReport.Finding> findings(List<BenchRow> rows, double peak);

    /**
     * A finding compared with a target.
     *
     * @param name what the value is
     * @param value the value
     * @param target the bound, or null for a value reported without one
     * @return the finding
     */
    protected static BenchReport.Finding finding(String name, double value, Target target) {
        return target == null
                ? new BenchReport.Finding(name, value, null, null)
                : new BenchReport.Finding(name, value, target.describe(), target.met(value));
    }

    @Override
    public String toString() {
        return name;
    }
}
