package io.github.fastvision.models.runtime;

import io.github.fastvision.models.InferenceEngine;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/** The engine providers on the class path, found once per JVM with {@link ServiceLoader}. */
public final class Engines {

    private static final Map<InferenceEngine, EngineProvider> PROVIDERS = discover();

    private Engines() {}

    private static Map<InferenceEngine, EngineProvider> discover() {
        Map<InferenceEngine, EngineProvider> map = new EnumMap<>(InferenceEngine.class);
        for (EngineProvider p :
                ServiceLoader.load(EngineProvider.class, Engines.class.getClassLoader())) {
            map.putIfAbsent(p.engine(), p);
        }
        return map;
    }

    /**
     * Whether an engine's provider is on the class path.
     *
     * @param engine the engine
     * @return true if it can be used
     */
    public static boolean available(InferenceEngine engine) {
        return PROVIDERS.containsKey(engine);
    }

    /**
     * Returns the engine a model runs on: the one asked for, else the model's measured default when
     * its provider is on the class path, else PyTorch.
     *
     * @param model a zoo name
     * @param requested the engine asked for, or null
     * @return the engine
     */
    public static InferenceEngine choose(String model, InferenceEngine requested) {
        return choose(model, requested, 1);
    }

    /**
     * Returns the engine a model runs on at a batch size (see {@link
     * InferenceEngine#defaultFor(String, int)}).
     *
     * @param model a zoo name
     * @param requested the engine asked for, or null
     * @param batch the batch size the model will mostly run
     * @return the engine
     */
    public static InferenceEngine choose(String model, InferenceEngine requested, int batch) {
        if (requested != null) {
            return requested;
        }
        InferenceEngine preferred = InferenceEngine.defaultFor(model, batch);
        return available(preferred) ? preferred : InferenceEngine.PYTORCH;
    }

    /**
     * Returns an engine's provider.
     *
     * @param engine the engine
     * @param model the model it is for (named in the message)
     * @return the provider
     * @throws EngineUnavailableException naming the module to add
     */
    static EngineProvider provider(InferenceEngine engine, String model) {
        EngineProvider p = PROVIDERS.get(engine);
        if (p == null) {
            throw new EngineUnavailableException(
                    model
                            + " cannot run on "
                            + engine.djlName()
                            + ": the engine is not on the class path; add the Maven module"
                            + " io.github.fastvision:"
                            + (engine == InferenceEngine.ONNX_RUNTIME
                                    ? "fastvision-onnx"
                                    : "fastvision-models"));
        }
        return p;
    }
}
