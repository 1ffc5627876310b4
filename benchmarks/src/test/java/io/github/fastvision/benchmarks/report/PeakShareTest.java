package io.github.fastvision.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

/** The logic that keeps impossible shares of the matmul peak out of the reports. */
class PeakShareTest {

    @Test
    void aShareAboveThePeakIsRefused() {
        assertEquals(0.5, PeakShare.of(5e10, 1e11).getAsDouble());
        assertEquals(1.0, PeakShare.of(1e11, 1e11).getAsDouble());
        assertFalse(PeakShare.of(1.44e11, 1e11).isPresent(), "144% of the peak is not a share");
        assertFalse(PeakShare.of(1e9, 0).isPresent(), "no peak, no share");
        assertEquals("50.0", PeakShare.percent(5e10, 1e11));
        assertEquals(">peak?", PeakShare.percent(1.01e11, 1e11));
    }

    @Test
    void tablesLeaveAnImpossibleShareEmptyAndSayWhy() {
        assertEquals("50.0", PeakShare.cell(5e10, 1e11));
        assertEquals("", PeakShare.cell(1.01e11, 1e11));
        assertFalse(PeakShare.note(DoubleStream.of(5e10, 1e11), 1e11).isPresent());
        String note = PeakShare.note(DoubleStream.of(5e10, 1.01e11, 2e11), 1e11).orElseThrow();
        assertTrue(note.contains("empty for 2 rows"), note);
        assertTrue(
                PeakShare.note(DoubleStream.of(5e10), 0).orElseThrow().contains("no matmul peak"));
    }

    @Test
    void thePeakIsReMeasuredOnlyWhenAWorkloadExceedsIt() {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(
                1e11,
                PeakShare.reconcile(1e11, 9e10, () -> calls.incrementAndGet() * 1.0),
                "a plausible peak stays");
        assertEquals(0, calls.get(), "no re-measurement when every share is below 1");
        assertEquals(
                2e11,
                PeakShare.reconcile(1e11, 1.4e11, () -> calls.incrementAndGet() * 2e11),
                "a too-low peak is replaced by the re-measurement");
        assertEquals(1, calls.get());
        assertEquals(
                1e11,
                PeakShare.reconcile(1e11, 1.4e11, () -> 5e10),
                "a lower re-measurement does not lower the peak");
    }
}
