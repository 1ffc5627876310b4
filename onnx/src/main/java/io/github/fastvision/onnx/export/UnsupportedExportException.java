package io.github.fastvision.onnx.export;

/**
 * A model that the exporter cannot express in ONNX: a block type without a converter (the message
 * names the type and its path in the block tree) or a kind of model that is refused as a whole. An
 * {@link IllegalArgumentException}, so the CLI exits 2.
 */
public class UnsupportedExportException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what cannot be exported and why
     */
    public UnsupportedExportException(String message) {
        super(message);
    }
}
