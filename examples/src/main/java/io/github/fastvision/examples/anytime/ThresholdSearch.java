package io.github.fastvision.examples.anytime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How ADP-C's inference confidence threshold is chosen on held-out data, as the thesis chose its
 * 99.8% "based on cross-validation" (§2.4.4): ADP-C is evaluated at every candidate threshold on
 * validation mosaics built from training items that training never drew, and the candidate with the
 * fewest final-exit FLOPs whose final-exit mIoU is at most {@code toleranceMiou} points below
 * EE+RH's on the same mosaics is kept. The test mosaics play no part in the choice.
 *
 * @param validationImages number of validation mosaics (same canvas as the test mosaics)
 * @param thresholds candidate thresholds, each in (0, 1]
 * @param toleranceMiou largest allowed drop of the final exit's validation mIoU below EE+RH's, in
 *     points
 */
public record ThresholdSearch(int validationImages, List<Float> thresholds, double toleranceMiou) {

    /** The candidates searched by default: the thesis's 0.998 and its neighbours. */
    public static final List<Float> DEFAULT_THRESHOLDS =
            List.of(0.999f, 0.998f, 0.997f, 0.996f, 0.995f, 0.99f);

    /** The default tolerance: half of the 1-point mIoU drop allowed on the test set. */
    public static final double DEFAULT_TOLERANCE_MIOU = 0.5;

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException for no images, no or out-of-range thresholds, or a negative
     *     tolerance
     */
    public ThresholdSearch {
        if (validationImages < 1) {
            throw new IllegalArgumentException(
                    "the threshold search needs at least 1 validation mosaic but got "
                            + validationImages);
        }
        if (thresholds == null || thresholds.isEmpty()) {
            throw new IllegalArgumentException(
                    "the threshold search needs at least one candidate threshold");
        }
        for (Float t : thresholds) {
            if (t == null || !(t > 0f && t <= 1f)) {
                throw new IllegalArgumentException(
                        "candidate thresholds must be in (0, 1] but got " + t);
            }
        }
        if (!(toleranceMiou >= 0)) {
            throw new IllegalArgumentException(
                    "the mIoU tolerance must be >= 0 points but was " + toleranceMiou);
        }
        thresholds = List.copyOf(thresholds);
    }

    /**
     * One candidate's validation numbers.
     *
     * @param threshold the threshold
     * @param miou ADP-C's final-exit mIoU on the validation mosaics (percent)
     * @param gflops ADP-C's final-exit GFLOPs per validation image, masks applied
     */
    public record Candidate(float threshold, double miou, double gflops) {}

    /**
     * What the search found.
     *
     * @param validation description of the validation mosaics
     * @param referenceMiou EE+RH's final-exit mIoU on them
     * @param candidates every candidate, in the order searched
     * @param chosen the candidate kept
     * @param withinTolerance whether {@code chosen} met the tolerance (otherwise it is the highest
     *     candidate, the one that skips the least)
     */
    public record Outcome(
            String validation,
            double referenceMiou,
            List<Candidate> candidates,
            Candidate chosen,
            boolean withinTolerance) {}

    /**
     * Picks the threshold: the fewest final-exit GFLOPs among candidates within the tolerance of
     * {@code referenceMiou} (ties go to the higher threshold); if none is within it, the highest
     * threshold.
     *
     * @param validation description of the validation mosaics, for the record
     * @param referenceMiou EE+RH's final-exit validation mIoU
     * @param candidates the evaluated candidates, at least one
     * @return the outcome
     */
    public Outcome choose(String validation, double referenceMiou, List<Candidate> candidates) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("no candidate thresholds were evaluated");
        }
        List<Candidate> ok = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c.miou() >= referenceMiou - toleranceMiou) {
                ok.add(c);
            }
        }
        Comparator<Candidate> higherFirst = Comparator.comparingDouble(c -> -c.threshold());
        Candidate best =
                ok.isEmpty()
                        ? candidates.stream().min(higherFirst).orElseThrow()
                        : ok.stream()
                                .min(
                                        Comparator.comparingDouble(Candidate::gflops)
                                                .thenComparing(higherFirst))
                                .orElseThrow();
        return new Outcome(validation, referenceMiou, List.copyOf(candidates), best, !ok.isEmpty());
    }

    /**
     * Returns a one-line summary for logs.
     *
     * @param outcome an outcome of this search
     * @return e.g. {@code "threshold 0.997 chosen on ...: mIoU 71.2 (EE+RH 71.5 − 0.5), 1.55
     *     GFLOPs"}
     */
    public String describe(Outcome outcome) {
        Candidate c = outcome.chosen();
        return String.format(
                Locale.ROOT,
                "threshold %s chosen on %s: final mIoU %.1f (EE+RH %.1f, tolerance %.1f%s), "
                        + "%.3f GFLOPs/image",
                Float.toString(c.threshold()),
                outcome.validation(),
                c.miou(),
                outcome.referenceMiou(),
                toleranceMiou,
                outcome.withinTolerance() ? "" : ", none within it",
                c.gflops());
    }
}
