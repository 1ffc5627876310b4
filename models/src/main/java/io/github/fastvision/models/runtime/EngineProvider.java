package io.github.fastvision.models.runtime;

import io.github.fastvision.models.InferenceEngine;
import java.io.IOException;

/**
 * An inference engine that can run zoo models, discovered with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/io.github.fastvision.models.runtime.EngineProvider}): the
 * PyTorch block tree ships with {@code fastvision-models}, ONNX Runtime with {@code
 * fastvision-onnx}. {@link ModelRuntime} is the only caller.
 */
public interface EngineProvider {

    /**
     * Returns the engine this provider runs.
     *
     * @return the engine
     */
    InferenceEngine engine();

    /**
     * Loads a model on this engine.
     *
     * @param request the model, its options, weights and output
     * @return the loaded model, ready to run
     * @throws IOException when the weights or a cached artifact cannot be read or written
     * @throws EngineUnavailableException when this engine cannot run the model (no export)
     */
    EngineSession open(RuntimeRequest request) throws IOException;
}
