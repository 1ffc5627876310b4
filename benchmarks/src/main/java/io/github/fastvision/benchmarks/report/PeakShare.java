package io.github.fastvision.benchmarks.report;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;
import java.util.stream.DoubleStream;

/**
 * Shares of the matmul peak, which can never exceed 1: a workload measured faster than the peak
 * means the peak was measured too low (too briefly, or while the machine was busy). {@link
 * #reconcile} re-measures the peak once in that case; {@link #of} refuses a share that still
 * exceeds it, so it is flagged rather than printed as if it were real.
 */
public final class PeakShare {

    private PeakShare() {}

    /**
     * Returns the peak to report: the measured one, or, when a workload achieved more, the larger
     * of it and one re-measurement.
     *
     * @param peak the measured peak (multiply-adds per second)
     * @param bestAchieved the highest rate any workload of the run achieved
     * @param remeasure measures the peak again
     * @return the peak to divide by
     */
    public static double reconcile(double peak, double bestAchieved, DoubleSupplier remeasure) {
        if (bestAchieved <= peak) {
            return peak;
        }
        return Math.max(peak, remeasure.getAsDouble());
    }

    /**
     * Returns a workload's share of the peak.
     *
     * @param achieved the workload's rate
     * @param peak the peak
     * @return the share in [0, 1], or empty when it would exceed 1 (or the peak is not positive)
     */
    public static OptionalDouble of(double achieved, double peak) {
        if (!(peak > 0) || !(achieved >= 0) || achieved > peak) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(achieved / peak);
    }

    /**
     * Formats a share as a percentage.
     *
     * @param achieved the workload's rate
     * @param peak the peak
     * @return e.g. {@code 57.3}, or {@code >peak?} when the share is impossible
     */
    static String percent(double achieved, double peak) {
        OptionalDouble s = of(achieved, peak);
        return s.isPresent() ? String.format(Locale.ROOT, "%.1f", 100 * s.getAsDouble()) : ">peak?";
    }

    /**
     * Formats a share for a table cell, left empty when there is no valid share so that a table
     * prints no impossible value; {@link #note} explains the empty cells.
     *
     * @param achieved the workload's rate
     * @param peak the peak
     * @return e.g. {@code 57.3}, or the empty string
     */
    public static String cell(double achieved, double peak) {
        return of(achieved, peak).isPresent() ? percent(achieved, peak) : "";
    }

    /**
     * The line to print under a table whose {@link #cell}s left some shares empty.
     *
     * @param achieved the rates of the table's rows
     * @param peak the peak
     * @return the note, or empty when every row has a share
     */
    public static Optional<String> note(DoubleStream achieved, double peak) {
        if (!(peak > 0)) {
            return Optional.of("% peak is left empty: no matmul peak was measured");
        }
        long above = achieved.filter(a -> of(a, peak).isEmpty()).count();
        if (above == 0) {
            return Optional.empty();
        }
        return Optional.of(
                "% peak is left empty for "
                        + above
                        + (above == 1 ? " row that" : " rows that")
                        + " ran faster than the measured matmul peak, so that peak was measured"
                        + " too low; a run on an idle machine measures it again");
    }
}
