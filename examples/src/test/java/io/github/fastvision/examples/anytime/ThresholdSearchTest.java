package io.github.fastvision.examples.anytime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.examples.anytime.ThresholdSearch.Candidate;
import io.github.fastvision.examples.anytime.ThresholdSearch.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdSearchTest {

    private final ThresholdSearch search =
            new ThresholdSearch(96, ThresholdSearch.DEFAULT_THRESHOLDS, 0.5);

    @Test
    void keepsTheCheapestThresholdWithinTheToleranceOfTheReference() {
        List<Candidate> c =
                List.of(
                        new Candidate(0.999f, 71.0, 1.70),
                        new Candidate(0.998f, 70.6, 1.57),
                        new Candidate(0.997f, 70.5, 1.55), // exactly 0.5 below: still allowed
                        new Candidate(0.995f, 70.4, 1.52), // 0.6 below: cheaper but not allowed
                        new Candidate(0.99f, 68.0, 1.40));
        Outcome o = search.choose("val", 71.0, c);
        assertEquals(0.997f, o.chosen().threshold());
        assertTrue(o.withinTolerance());
        assertEquals(c, o.candidates());
        assertTrue(
                search.describe(o).contains("threshold 0.997 chosen on val"), search.describe(o));

        Outcome strict =
                new ThresholdSearch(96, List.of(0.999f), 0).choose("val", 71.0, c.subList(0, 1));
        assertEquals(
                0.999f,
                strict.chosen().threshold(),
                "equal to the reference is within a zero tolerance");
    }

    @Test
    void equalCostsGoToTheHigherThresholdAndNoneWithinFallsBackToTheHighest() {
        Outcome tie =
                search.choose(
                        "val",
                        70.0,
                        List.of(
                                new Candidate(0.995f, 70.0, 1.5),
                                new Candidate(0.998f, 70.0, 1.5),
                                new Candidate(0.99f, 60.0, 1.0)));
        assertEquals(0.998f, tie.chosen().threshold());

        Outcome none =
                search.choose(
                        "val",
                        80.0,
                        List.of(
                                new Candidate(0.995f, 70.0, 1.5),
                                new Candidate(0.999f, 71.0, 1.9),
                                new Candidate(0.998f, 70.5, 1.6)));
        assertEquals(0.999f, none.chosen().threshold(), "the highest threshold skips the least");
        assertFalse(none.withinTolerance());
        assertTrue(search.describe(none).contains("none within it"), search.describe(none));
    }

    @Test
    void badSettingsNameWhatWasExpected() {
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new ThresholdSearch(0, List.of(0.9f), 0.5))
                        .getMessage()
                        .contains("at least 1 validation mosaic"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new ThresholdSearch(8, List.of(0.9f, 1.5f), 0.5))
                        .getMessage()
                        .contains("(0, 1]"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new ThresholdSearch(8, List.of(), 0.5))
                        .getMessage()
                        .contains("at least one candidate"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new ThresholdSearch(8, List.of(0.9f), -1))
                        .getMessage()
                        .contains(">= 0 points"));
        assertThrows(IllegalArgumentException.class, () -> search.choose("val", 70, List.of()));
    }
}
