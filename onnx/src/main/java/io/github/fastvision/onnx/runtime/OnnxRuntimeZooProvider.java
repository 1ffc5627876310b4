package io.github.fastvision.onnx.runtime;

import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;

/** Registers the ONNX Runtime zoo with DJL (listed in META-INF/services). */
public class OnnxRuntimeZooProvider implements ZooProvider {

    private static final OnnxRuntimeModelZoo ZOO = new OnnxRuntimeModelZoo();

    /** {@inheritDoc} */
    @Override
    public ModelZoo getModelZoo() {
        return ZOO;
    }
}
