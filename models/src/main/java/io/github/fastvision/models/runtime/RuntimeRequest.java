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
 */
public record RuntimeRequest(
        ModelInfo info, ModelOptions options, Path weights, boolean features, int threads) {}
