package io.github.fastvision.onnx.runtime;

import ai.djl.repository.zoo.ModelZoo;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.zoo.FastVisionModelZoo;
import java.util.Collections;
import java.util.Set;

/**
 * DJL model zoo of every registry classifier served on ONNX Runtime: {@code
 * Criteria.builder().optEngine("OnnxRuntime").optArtifactId("fasternet_t0")} exports the model on
 * the fly (or reuses the export cached next to its weights) and runs it in ONNX Runtime. DJL keys
 * zoos by group id, so this zoo's is {@link FastVisionModelZoo#ONNX_RUNTIME_GROUP_ID}; the PyTorch
 * zoo keeps {@link FastVisionModelZoo#GROUP_ID}.
 */
public class OnnxRuntimeModelZoo extends ModelZoo {

    OnnxRuntimeModelZoo() {
        for (ModelInfo info : ModelRegistry.all()) {
            if (info.kind() == ModelInfo.Kind.CLASSIFIER) {
                addModel(new OnnxRuntimeModelLoader(info));
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public String getGroupId() {
        return FastVisionModelZoo.ONNX_RUNTIME_GROUP_ID;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> getSupportedEngines() {
        return Collections.singleton(InferenceEngine.ONNX_RUNTIME.djlName());
    }
}
