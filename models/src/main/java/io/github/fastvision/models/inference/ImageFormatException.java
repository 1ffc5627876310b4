package io.github.fastvision.models.inference;

/**
 * An image that cannot be used: not an image, corrupt or truncated, or larger than the decoder's
 * pixel bound. The message names the file (or the caller's name for the bytes) and the reason. It
 * is an {@link IllegalArgumentException}, so the command line exits with status 2.
 */
public class ImageFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * Creates the exception.
     *
     * @param source the file or name of the input
     * @param reason why it was refused, without the name
     * @param cause the decoder's exception, or null
     */
    public ImageFormatException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
        this.reason = reason;
    }

    /**
     * Returns the reason without the source name, for reports that list the file separately.
     *
     * @return the reason
     */
    public String reason() {
        return reason;
    }
}
