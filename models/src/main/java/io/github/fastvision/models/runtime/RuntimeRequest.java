package io.github.fastvision.models.runtime;

import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelOptions;
import java.nio.file.Path;

/**
 * What {@link ModelRuntime} asks an engine to load.
 *
 * @param info the zoo entry
 * @param options the options the model is built with (classes, channels, input size, widths)
 * @param weights the resolved .fvw file, or null for random initialization
 * @param features true for pooled pre-logits features instead of logits
 * @param threads intra-op threads, or 0 for the engine's default
 * @param int8 the int8 model {@code quantize} wrote beside the weights, or null for fp32
 */
public record RuntimeRequest(
        ModelInfo info,
        ModelOptions options,
        Path weights,
        boolean features,
        int threads,
        Path int8) {

    /**
     * The int8 model of a weights file: {@code <weights>.int8.onnx}, or {@code
     * <weights>.int8.features.onnx} for features.
     *
     * @param weights the .fvw file
     * @param features whether the model gives features
     * @return the path (it may not exist)
     */
    public static Path int8Model(Path weights, boolean features) {
        String stem = weights.getFileName().toString().replaceFirst("\\.fvw$", "");
        return weights.resolveSibling(stem + (features ? ".int8.features.onnx" : ".int8.onnx"));
    }
}
