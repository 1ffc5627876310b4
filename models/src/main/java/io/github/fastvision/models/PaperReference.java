package io.github.fastvision.models;

import java.math.BigDecimal;

/**
 * A model's size as its paper prints it: parameters in millions and FLOPs (multiply-adds) in
 * billions, with the printed precision, so that a count can be compared at the paper's own
 * rounding.
 *
 * @param params printed parameters (M), or null when the paper gives none
 * @param gflops printed GFLOPs, or null when the paper gives none
 * @param source table reference, e.g. "fasternet Table 8"
 * @param deviation why the paper's own architecture cannot reproduce its printed numbers, or null
 */
public record PaperReference(
        BigDecimal params, BigDecimal gflops, String source, String deviation) {

    /**
     * Parses the printed values.
     *
     * @param params printed parameters in millions ("3.9"), or null
     * @param gflops printed GFLOPs ("0.34"), or null
     * @param source where the numbers are printed
     * @return the reference
     */
    public static PaperReference of(String params, String gflops, String source) {
        return new PaperReference(
                params == null ? null : new BigDecimal(params),
                gflops == null ? null : new BigDecimal(gflops),
                source,
                null);
    }

    /**
     * Records that the architecture the paper describes does not reproduce its printed numbers.
     *
     * @param why the explanation shown in the zoo table
     * @return a copy with the explanation
     */
    public PaperReference withDeviation(String why) {
        return new PaperReference(params, gflops, source, why);
    }

    /**
     * Allowed deviation of a parameter count: 1% (or 0.05 M), or half a unit of the paper's last
     * printed digit when the paper rounds more coarsely ("22M" covers 21.5–22.5M).
     *
     * @return tolerance in millions
     */
    public double paramsToleranceM() {
        return Math.max(Math.max(0.01 * params.doubleValue(), 0.05), halfUlp(params));
    }

    /**
     * Allowed deviation of a FLOP count: 3%, or half a unit of the last printed digit.
     *
     * @return tolerance in GFLOPs
     */
    public double flopsToleranceG() {
        return Math.max(0.03 * gflops.doubleValue(), halfUlp(gflops));
    }

    private static double halfUlp(BigDecimal printed) {
        return 0.5 * Math.pow(10, -printed.scale());
    }
}
