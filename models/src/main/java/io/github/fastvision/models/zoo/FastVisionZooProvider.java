package io.github.fastvision.models.zoo;

import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooProvider;

/** Registers fastvision's model zoo with DJL (listed in META-INF/services). */
public class FastVisionZooProvider implements ZooProvider {

    private static final FastVisionModelZoo ZOO = new FastVisionModelZoo();

    /** {@inheritDoc} */
    @Override
    public ModelZoo getModelZoo() {
        return ZOO;
    }
}
