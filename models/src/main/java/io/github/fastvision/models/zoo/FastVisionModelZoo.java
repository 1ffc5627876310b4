package io.github.fastvision.models.zoo;

import ai.djl.repository.zoo.ModelZoo;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import java.util.Collections;
import java.util.Set;

/**
 * DJL model zoo of every registry model under group id {@code io.github.fastvision}: {@code
 * Criteria.builder().optGroupId("io.github.fastvision").optArtifactId("fasternet_t0")} loads a
 * model. Weights come from a local file only (nothing is downloaded).
 */
public class FastVisionModelZoo extends ModelZoo {

    /** The group id of fastvision's zoo. */
    public static final String GROUP_ID = "io.github.fastvision";

    /**
     * The group id of the zoo that serves the same models on ONNX Runtime (module {@code
     * fastvision-onnx}); DJL keys zoos by group id, so the two zoos need two.
     */
    public static final String ONNX_RUNTIME_GROUP_ID = "io.github.fastvision.onnx";

    FastVisionModelZoo() {
        for (ModelInfo info : ModelRegistry.all()) {
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
        return Collections.singleton("PyTorch");
    }
}
