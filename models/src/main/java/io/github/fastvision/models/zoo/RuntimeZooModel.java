package io.github.fastvision.models.zoo;

import ai.djl.Model;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Translator;
import io.github.fastvision.models.runtime.ModelRuntime;

/**
 * A {@link ZooModel} that also closes the {@link ModelRuntime} behind it.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
final class RuntimeZooModel<I, O> extends ZooModel<I, O> {

    private final ModelRuntime runtime;

    RuntimeZooModel(Model model, Translator<I, O> translator, ModelRuntime runtime) {
        super(model, translator);
        this.runtime = runtime;
    }

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            runtime.close();
        }
    }
}
