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

    /**
     * Creates a schedule.
     *
     * @param peak the peak learning rate
     * @param warmupSteps linear warm-up steps (0 for none)
     * @param totalSteps all steps of the run
     * @param kind decay after warm-up
     * @param floor the cosine's final value
     */
    public LrSchedule(
            double peak, long warmupSteps, long totalSteps, ScheduleKind kind, double floor) {
        if (!(peak > 0) || warmupSteps < 0 || totalSteps < 1 || floor < 0 || floor > peak) {
            throw new IllegalArgumentException(
                    "invalid schedule: peak "
                            + peak
                            + ", warm-up "
                            + warmupSteps
                            + ", total "
                            + totalSteps
                            + ", floor "
                            + floor);
        }
        this.peak = peak;
        this.warmupSteps = Math.min(warmupSteps, totalSteps);
        this.totalSteps = totalSteps;
        this.kind = kind;
        this.floor = floor;
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
        return new LrSchedule(
                peak, warmup, (long) epochs * stepsPerEpoch, recipe.schedule(), peak * 1e-3);
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
        return new LrSchedule(peak, warmup, totalSteps, recipe.schedule(), peak * 1e-3);
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
}
