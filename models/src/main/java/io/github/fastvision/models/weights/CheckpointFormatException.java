package io.github.fastvision.models.weights;

/**
 * The one error for a weights or array file that is malformed, truncated, inconsistent or hostile:
 * every reader in this package ({@code .pth} zip and its pickle, {@code .safetensors}, {@code
 * .npz}, {@code .npy}) refuses such a file with it, before building anything large from it. The
 * message starts with the file (or {@code archive:entry}) and says what was expected and what was
 * found; it describes unpickled objects by type and size only, never by their contents.
 *
 * <p>It is an {@link IllegalArgumentException} because a bad file is a bad argument to the reader,
 * as the command line and callers already treat it; I/O failures of a good file stay {@link
 * java.io.IOException}s.
 */
public final class CheckpointFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message the file, then what was expected and what was found
     */
    public CheckpointFormatException(String message) {
        super(message);
    }

    /**
     * Creates the error with its low-level cause.
     *
     * @param message the file, then what was expected and what was found
     * @param cause the parser or zip error behind it
     */
    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
