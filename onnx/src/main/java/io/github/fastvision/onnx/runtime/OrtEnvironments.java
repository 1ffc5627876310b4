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

    /** DJL's property for the size of the environment's intra-op pool. */
    static final String THREADS_PROPERTY = "ai.djl.onnxruntime.num_threads";

    private static OrtEnvironment shared;

    private static int globalThreads;

    private OrtEnvironments() {}

    /**
     * Returns the shared environment, creating it through DJL's engine on first use.
     *
     * @return the environment
     */
    public static synchronized OrtEnvironment shared() {
        if (shared == null) {
            if (Engine.hasEngine("OnnxRuntime")) {
                // Size the environment's shared pool to the machine unless the user did, so that
                // its size is known to sessions that run on it.
                if (System.getProperty(THREADS_PROPERTY) == null) {
                    System.setProperty(
                            THREADS_PROPERTY,
                            String.valueOf(Runtime.getRuntime().availableProcessors()));
                }
                Engine.getEngine("OnnxRuntime");
                globalThreads = Integer.getInteger(THREADS_PROPERTY, 0);
            }
            shared = OrtEnvironment.getEnvironment();
        }
        return shared;
    }

    /**
     * Returns the threads of the environment's shared intra-op pool, which sessions created with
     * {@code disablePerSessionThreads()} run on: DJL's {@value #THREADS_PROPERTY}, set to the
     * machine's processors unless given. Meaningful only when DJL's engine had not started before
     * the first call of {@link #shared()}; 0 when the environment has no shared pool.
     *
     * @return the pool's threads, or 0
     */
    static synchronized int globalThreads() {
        shared();
        return globalThreads;
    }
}
