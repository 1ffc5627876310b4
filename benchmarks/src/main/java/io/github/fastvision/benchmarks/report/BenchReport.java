package io.github.fastvision.benchmarks.report;

import java.util.List;

/**
 * A suite's results, the JSON document of {@code fastvision bench} (keys in snake_case through the
 * project's JSON helper: {@code peakFlopsPerS} prints as {@code "peak_flops_per_s"}).
 *
 * @param suite ops, pconv, models or pflayer
 * @param peakFlopsPerS multiply-adds per second of a 2048² float32 matrix product, same run
 * @param threads intra-op threads
 * @param rows the measurements
 * @param findings the ratios the papers' claims are about, named
 * @param int8PeakOpsPerS multiply-adds per second of a uint8 × int8 matrix product on ONNX Runtime,
 *     same run, when the run measured int8 rows, else 0
 */
public record BenchReport(
        String suite,
        double peakFlopsPerS,
        int threads,
        List<BenchRow> rows,
        List<Finding> findings,
        double int8PeakOpsPerS) {

    /**
     * A report without int8 rows (no int8 peak).
     *
     * @param suite the suite
     * @param peakFlopsPerS the float32 matmul peak
     * @param threads intra-op threads
     * @param rows the measurements
     * @param findings the findings
     */
    public BenchReport(
            String suite,
            double peakFlopsPerS,
            int threads,
            List<BenchRow> rows,
            List<Finding> findings) {
        this(suite, peakFlopsPerS, threads, rows, findings, 0);
    }

    /**
     * The peak a row is a share of: the int8 peak for int8 rows (when measured), else the float32
     * matmul peak.
     *
     * @param row a row of this report
     * @return multiply-adds per second
     */
    public double peakFor(BenchRow row) {
        return "int8".equals(row.precision()) && int8PeakOpsPerS > 0
                ? int8PeakOpsPerS
                : peakFlopsPerS;
    }

    /**
     * One derived number.
     *
     * @param name what it is, e.g. "pconv/dwconv FLOPS, mean over sizes (batch 1)"
     * @param value the value
     * @param target the paper's or the project's target, or null
     * @param met whether the target is met (null without a target)
     */
    public record Finding(String name, double value, String target, Boolean met) {

        /** What the findings tables print under themselves when a target was missed. */
        public static final String MISSED_NOTE =
                "A target not met here is what this machine measured (its cores, threads and load),"
                        + " not a failed run.";
    }
}
