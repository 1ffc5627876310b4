package io.github.fastvision.models.runtime;

import java.util.Locale;

/** The numeric precision a model runs in. */
public enum Precision {
    /** int8 where an int8 model exists beside the weights, else fp32. */
    AUTO,
    /** 32-bit floats. */
    FP32,
    /** 8-bit integers ({@code fastvision quantize}), on ONNX Runtime. */
    INT8;

    /**
     * Parses a precision name case-insensitively.
     *
     * @param name {@code auto}, {@code fp32} or {@code int8}
     * @return the precision
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Precision parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "precision must be auto, fp32 or int8 but was '" + name + "'", e);
        }
    }
}
