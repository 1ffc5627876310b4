package io.github.fastvision.training.recipe;

/** Learning-rate decay after the linear warm-up. */
public enum ScheduleKind {
    /** Half-cosine from the peak to the floor over the remaining steps. */
    COSINE,
    /** ×0.1 at one third and two thirds of training (the classic 30/60 of 90 epochs). */
    STEP,
    /** The peak throughout (after any warm-up): fine-tuning at the original run's lowest rate. */
    CONSTANT
}
