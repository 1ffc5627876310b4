package io.github.fastvision.models.runtime;

import java.nio.FloatBuffer;
import java.util.function.Consumer;

/**
 * A model loaded on one engine: turns a batch of preprocessed images (N, C, S, S) into N rows of
 * logits or features. Implementations are thread-safe; closing frees the engine's memory.
 */
public interface EngineSession extends AutoCloseable {

    /**
     * Returns the values per image of {@link #run}.
     *
     * @return classes for logits, channels for features
     */
    int outputs();

    /**
     * Returns the numeric precision the engine computes in.
     *
     * @return {@code fp32} or {@code int8}
     */
    default String precision() {
        return "fp32";
    }

    /**
     * Runs one batch. The engine hands {@code fill} a buffer of exactly {@code n * C * S * S}
     * floats in its own input memory, so the caller writes the input once and nothing is copied.
     *
     * @param n the batch size, at least 1
     * @param fill writes the batch, row-major, from the buffer's position 0
     * @return {@code n * outputs()} values, image after image
     */
    float[] run(int n, Consumer<FloatBuffer> fill);

    /** Frees the engine's memory for this model. */
    @Override
    void close();
}
