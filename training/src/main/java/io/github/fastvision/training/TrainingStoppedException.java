package io.github.fastvision.training;

/**
 * Thrown by the {@link io.github.fastvision.training.loop.TrainingLoop} at a step boundary after a
 * {@link StopSignal} was raised; the step in progress finished, nothing after it ran, and the last
 * good checkpoint is kept.
 */
public final class TrainingStoppedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message where training stopped and which checkpoint is kept
     */
    public TrainingStoppedException(String message) {
        super(message);
    }
}
