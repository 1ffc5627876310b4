package io.github.fastvision.core.runtime;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The median wall time of a repeated call after a few untimed warm-up calls: the quick latency
 * figure of the demo, {@code prune} and the studies (the {@code bench} command uses JMH instead).
 */
public final class MedianLatency {

    /**
     * One call whose timed part may exclude its own set-up: the clock runs from {@link Lap#start}
     * (or the call's start) to {@link Lap#stop} (or its return).
     */
    @FunctionalInterface
    public interface TimedCall {

        /**
         * Makes the call.
         *
         * @param lap marks the timed part
         */
        void run(Lap lap);
    }

    /** The timed part of one call. */
    public static final class Lap {

        private final LongSupplier clock;
        private long start;
        private long stop = -1;

        private Lap(LongSupplier clock) {
            this.clock = clock;
            this.start = clock.getAsLong();
        }

        /** Starts the clock here, leaving what came before (input set-up) untimed. */
        public void start() {
            start = clock.getAsLong();
        }

        /** Stops the clock here, leaving what follows (reading shapes, freeing memory) untimed. */
        public void stop() {
            stop = clock.getAsLong();
        }

        private long nanos() {
            return (stop < 0 ? clock.getAsLong() : stop) - start;
        }
    }

    private MedianLatency() {}

    /**
     * Times a call.
     *
     * @param warmup untimed calls first (at least 0)
     * @param runs timed calls (at least 1)
     * @param call the call
     * @return the median of the timed calls in milliseconds
     */
    public static double ms(int warmup, int runs, Runnable call) {
        return ms(warmup, runs, lap -> call.run());
    }

    /**
     * Times the part of a call between its lap marks.
     *
     * @param warmup untimed calls first (at least 0)
     * @param runs timed calls (at least 1)
     * @param call the call
     * @return the median of the timed parts in milliseconds
     */
    public static double ms(int warmup, int runs, TimedCall call) {
        return ms(warmup, runs, call, System::nanoTime);
    }

    /** {@link #ms(int, int, TimedCall)} on a given nanosecond clock, so tests can drive it. */
    static double ms(int warmup, int runs, TimedCall call, LongSupplier clock) {
        if (warmup < 0 || runs < 1) {
            throw new IllegalArgumentException(
                    "warmup must be >= 0 and runs >= 1 but were " + warmup + " and " + runs);
        }
        for (int i = 0; i < warmup; i++) {
            call.run(new Lap(clock));
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            Lap lap = new Lap(clock);
            call.run(lap);
            ms[i] = lap.nanos() / 1e6;
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }
}
