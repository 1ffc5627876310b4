package io.github.fastvision.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MedianLatencyTest {

    @Test
    void timesOnlyTheMarkedPartAndTakesTheMedianAfterTheWarmUp() {
        AtomicLong now = new AtomicLong();
        AtomicInteger calls = new AtomicInteger();
        // Call k spends 1 ms in set-up, then k ms timed, then 5 ms after the stop mark.
        double ms =
                MedianLatency.ms(
                        2,
                        5,
                        lap -> {
                            int k = calls.incrementAndGet();
                            now.addAndGet(1_000_000);
                            lap.start();
                            now.addAndGet(k * 1_000_000L);
                            lap.stop();
                            now.addAndGet(5_000_000);
                        },
                        now::get);
        assertEquals(7, calls.get(), "2 warm-up calls and 5 timed ones");
        // Timed calls are k = 3..7 ms; their median is 5 ms.
        assertEquals(5.0, ms, 1e-9);
    }

    @Test
    void withoutMarksTheWholeCallIsTimed() {
        AtomicLong now = new AtomicLong();
        double ms = MedianLatency.ms(0, 3, lap -> now.addAndGet(2_000_000), now::get);
        assertEquals(2.0, ms, 1e-9);
    }

    @Test
    void refusesNoTimedRuns() {
        assertThrows(IllegalArgumentException.class, () -> MedianLatency.ms(1, 0, () -> {}));
    }
}
