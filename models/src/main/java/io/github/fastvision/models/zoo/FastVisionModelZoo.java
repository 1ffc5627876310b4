package io.github.fastvision.models.zoo;

import ai.djl.repository.zoo.ModelZoo;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import java.util.Set;

/**
 * DJL model zoo of every registry model under group id {@code io.github.fastvision}: {@code
 * Criteria.builder().optGroupId("io.github.fastvision").optArtifactId("fasternet_t0")} loads a
 * model on its default engine, and {@code optEngine} picks PyTorch or ONNX Runtime. Weights come
 * from a local file only (nothing is downloaded).
 */
public class FastVisionModelZoo extends ModelZoo {

    /** The group id of fastvision's zoo. */
    public static final String GROUP_ID = "io.github.fastvision";

    FastVisionModelZoo() {
        for (ModelInfo info : ModelRegistry.allWithTestVariants()) {
            addModel(new RegistryModelLoader(info));
        }
    }

    /** {@inheritDoc} */
    @Override
    public String getGroupId() {
        return GROUP_ID;
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> getSupportedEngines() {
        // ONNX Runtime is listed even without fastvision-onnx, so that asking for it reaches the
        // loader and its message names the module to add instead of DJL's "no model found".
        return Set.of("PyTorch", "OnnxRuntime");
    }
}
