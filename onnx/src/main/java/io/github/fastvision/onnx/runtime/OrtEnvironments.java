package io.github.fastvision.onnx.runtime;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;

/**
 * The one ONNX Runtime environment of the JVM. ONNX Runtime allows one environment per process, and
 * DJL's ONNX Runtime engine creates it with thread-pool options, which fails once any other
 * environment exists; so fastvision starts DJL's engine first and then shares its environment,
 * whichever of the two a program uses first.
 */
public final class OrtEnvironments {

    private static OrtEnvironment shared;

    private OrtEnvironments() {}

    /**
     * Returns the shared environment, creating it through DJL's engine on first use.
     *
     * @return the environment
     */
    public static synchronized OrtEnvironment shared() {
        if (shared == null) {
            if (Engine.hasEngine("OnnxRuntime")) {
                Engine.getEngine("OnnxRuntime");
            }
            shared = OrtEnvironment.getEnvironment();
        }
        return shared;
    }
}
