package io.github.fastvision.training.recipe;

/**
 * Per-step learning rate: linear warm-up from {@code peak/warmupSteps} to the peak, then cosine or
 * step decay to the end of training. The one schedule of the project: epoch, step and time budgets
 * all map onto it.
 */
public final class LrSchedule {

    private final double peak;
    private final long warmupSteps;
    private final long totalSteps;
    private final ScheduleKind kind;
    private final double floor;

    private LrSchedule(Builder b) {
        this.peak = b.peak;
        this.warmupSteps = Math.min(b.warmupSteps, b.totalSteps);
        this.totalSteps = b.totalSteps;
        this.kind = b.kind;
        this.floor = b.floor;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a recipe's schedule for a run.
     *
     * @param recipe the recipe
     * @param batch the run's batch size
     * @param epochs the run's epochs
     * @param stepsPerEpoch optimizer steps per epoch
     * @return the schedule
     */
    public static LrSchedule of(Recipe recipe, int batch, int epochs, int stepsPerEpoch) {
        double peak = recipe.lrFor(batch);
        long warmup = Math.round(recipe.warmupFor(epochs) * stepsPerEpoch);
        return builder()
                .setPeak(peak)
                .optWarmupSteps(warmup)
                .setTotalSteps((long) epochs * stepsPerEpoch)
                .optKind(recipe.schedule())
                .optFloor(peak * 1e-3)
                .build();
    }

    /**
     * Builds a recipe's schedule for a run of a given number of optimizer steps, with the warm-up
     * the same share of the run as in the recipe.
     *
     * @param recipe the recipe
     * @param batch the run's batch size
     * @param totalSteps the run's optimizer steps
     * @return the schedule
     */
    public static LrSchedule ofSteps(Recipe recipe, int batch, long totalSteps) {
        double peak = recipe.lrFor(batch);
        long warmup = Math.round(recipe.warmupEpochs() / recipe.epochs() * totalSteps);
        return builder()
                .setPeak(peak)
                .optWarmupSteps(warmup)
                .setTotalSteps(totalSteps)
                .optKind(recipe.schedule())
                .optFloor(peak * 1e-3)
                .build();
    }

    /**
     * Returns the learning rate of a step.
     *
     * @param step the 0-based optimizer step
     * @return the learning rate
     */
    public double at(long step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        return decayed(step);
    }

    /**
     * Returns the learning rate at a share of the run, for runs whose length is a time budget
     * rather than a step count: the same curve with the step at {@code fraction × totalSteps}.
     *
     * @param fraction the elapsed share of the run, clamped to [0, 1]
     * @return the learning rate
     */
    public double atFraction(double fraction) {
        double step = Math.min(1.0, Math.max(0.0, fraction)) * totalSteps;
        if (step < warmupSteps) {
            return peak * Math.max(step, 1) / warmupSteps;
        }
        return decayed(step);
    }

    private double decayed(double step) {
        long span = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (step - warmupSteps) / span);
        if (kind == ScheduleKind.CONSTANT) {
            return peak;
        }
        if (kind == ScheduleKind.STEP) {
            return peak * (progress < 1.0 / 3 ? 1 : progress < 2.0 / 3 ? 0.1 : 0.01);
        }
        return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    /**
     * Returns the peak learning rate.
     *
     * @return peak
     */
    public double peak() {
        return peak;
    }

    /** Builder for {@link LrSchedule}. */
    public static final class Builder {
        private double peak = Double.NaN;
        private long warmupSteps;
        private long totalSteps = -1;
        private ScheduleKind kind = ScheduleKind.COSINE;
        private double floor;

        Builder() {}

        /**
         * Sets the peak learning rate (required, positive).
         *
         * @param peak the peak learning rate
         * @return this builder
         */
        public Builder setPeak(double peak) {
            this.peak = peak;
            return this;
        }

        /**
         * Sets all steps of the run (required, at least 1).
         *
         * @param totalSteps the run's optimizer steps
         * @return this builder
         */
        public Builder setTotalSteps(long totalSteps) {
            this.totalSteps = totalSteps;
            return this;
        }

        /**
         * Sets the linear warm-up steps (default 0, none); more than the run are cut to the run.
         *
         * @param warmupSteps at least 0
         * @return this builder
         */
        public Builder optWarmupSteps(long warmupSteps) {
            this.warmupSteps = warmupSteps;
            return this;
        }

        /**
         * Sets the decay after warm-up (default {@link ScheduleKind#COSINE}).
         *
         * @param kind cosine or step
         * @return this builder
         */
        public Builder optKind(ScheduleKind kind) {
            this.kind = kind;
            return this;
        }

        /**
         * Sets the cosine's final value (default 0).
         *
         * @param floor in [0, peak]
         * @return this builder
         */
        public Builder optFloor(double floor) {
            this.floor = floor;
            return this;
        }

        /**
         * Builds the schedule.
         *
         * @return the schedule
         * @throws IllegalArgumentException naming a missing or out-of-range value
         */
        public LrSchedule build() {
            if (Double.isNaN(peak)) {
                throw new IllegalArgumentException("LrSchedule: peak is required");
            }
            if (totalSteps == -1) {
                throw new IllegalArgumentException("LrSchedule: totalSteps is required");
            }
            if (!(peak > 0)) {
                throw new IllegalArgumentException("peak must be > 0 but was " + peak);
            }
            if (totalSteps < 1) {
                throw new IllegalArgumentException("totalSteps must be >= 1 but was " + totalSteps);
            }
            if (warmupSteps < 0) {
                throw new IllegalArgumentException(
                        "warmupSteps must be >= 0 but was " + warmupSteps);
            }
            if (!(floor >= 0 && floor <= peak)) {
                throw new IllegalArgumentException(
                        "floor must be in [0, " + peak + "] (the peak) but was " + floor);
            }
            if (kind == null) {
                throw new IllegalArgumentException("LrSchedule: kind must be COSINE or STEP");
            }
            return new LrSchedule(this);
        }
    }
}
