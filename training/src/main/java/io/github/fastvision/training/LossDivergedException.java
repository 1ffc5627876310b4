package io.github.fastvision.training;

/**
 * Thrown when the loss or the gradients become NaN or infinite; the last good checkpoint is kept.
 */
public final class LossDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what diverged, where, and which checkpoint is kept
     */
    public LossDivergedException(String message) {
        super(message);
    }
}
