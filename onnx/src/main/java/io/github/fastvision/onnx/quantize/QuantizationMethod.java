package io.github.fastvision.onnx.quantize;

import java.util.Locale;

/** How an activation's range is read from the calibration images. */
public enum QuantizationMethod {
    /** The smallest and largest value seen. */
    MINMAX,
    /** The 0.001th and 99.999th percentiles of the values seen, ignoring rare outliers. */
    PERCENTILE,
    /**
     * The clipping range whose 255-level quantization loses the least information: the smallest
     * Kullback-Leibler divergence between the values' histogram and its quantized copy.
     */
    ENTROPY;

    /**
     * Parses a method name case-insensitively.
     *
     * @param name {@code minmax}, {@code percentile} or {@code entropy}
     * @return the method
     * @throws IllegalArgumentException naming the accepted values
     */
    public static QuantizationMethod parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "method must be minmax, percentile or entropy but was '" + name + "'", e);
        }
    }
}
