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
 */
public record BenchReport(
        String suite,
        double peakFlopsPerS,
        int threads,
        List<BenchRow> rows,
        List<Finding> findings) {

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
