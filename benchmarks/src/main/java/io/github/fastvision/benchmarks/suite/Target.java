package io.github.fastvision.benchmarks.suite;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A bound a measured ratio is compared with, and where it comes from.
 *
 * @param atMost true for "at most {@code bound}", false for "at least"
 * @param bound the bound
 * @param source the paper's number or the project's reason, or null
 */
public record Target(boolean atMost, double bound, String source) {

    /**
     * An upper bound.
     *
     * @param bound the bound
     * @param source the paper's number or the reason, or null
     * @return the target
     */
    public static Target atMost(double bound, String source) {
        return new Target(true, bound, source);
    }

    /**
     * A lower bound.
     *
     * @param bound the bound
     * @param source the paper's number or the reason, or null
     * @return the target
     */
    public static Target atLeast(double bound, String source) {
        return new Target(false, bound, source);
    }

    /**
     * Whether a value meets the target.
     *
     * @param value the measured value
     * @return true when it lies within the bound
     */
    public boolean met(double value) {
        return atMost ? value <= bound : value >= bound;
    }

    /**
     * The target as a report prints it.
     *
     * @return e.g. {@code ">= 6 (paper 7.5 on CPU)"}
     */
    public String describe() {
        String b =
                BigDecimal.valueOf(bound)
                        .setScale(2, RoundingMode.HALF_UP)
                        .stripTrailingZeros()
                        .toPlainString();
        String s = (atMost ? "<= " : ">= ") + b;
        return source == null ? s : s + " (" + source + ")";
    }
}
