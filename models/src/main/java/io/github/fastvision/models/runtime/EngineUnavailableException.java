package io.github.fastvision.models.runtime;

/**
 * An engine that is not on the class path, or that cannot run the model asked of it (a model
 * without an ONNX export on ONNX Runtime). The message names the model, the engine and what to do.
 */
public class EngineUnavailableException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the model, the engine and the remedy
     */
    public EngineUnavailableException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message names the model, the engine and the remedy
     * @param cause the underlying failure
     */
    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
