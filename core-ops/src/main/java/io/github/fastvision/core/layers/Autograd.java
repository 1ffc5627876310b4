package io.github.fastvision.core.layers;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Thread-local autograd switch of the PyTorch engine.
 *
 * <p>PyTorch keeps grad mode per thread and DJL only turns it off on the thread that loads the
 * engine, so every other thread records graphs by default. Inference and benchmark threads call
 * {@link #disable()} before their first forward pass.
 */
public final class Autograd {

    private Autograd() {}

    /** Loads the PyTorch engine (and its native library) before the first JNI call. */
    private static void ensureEngine() {
        Engine.getEngine("PyTorch");
    }

    /**
     * Returns whether the current thread records operations for backpropagation.
     *
     * @return true while gradients are being recorded
     */
    public static boolean isRecording() {
        ensureEngine();
        return JniUtils.isGradMode();
    }

    /** Stops recording on the current thread (inference mode). */
    public static void disable() {
        ensureEngine();
        JniUtils.setGradMode(false);
    }

    /**
     * Sets recording on the current thread.
     *
     * @param enabled whether to record
     */
    public static void setRecording(boolean enabled) {
        ensureEngine();
        JniUtils.setGradMode(enabled);
    }
}
