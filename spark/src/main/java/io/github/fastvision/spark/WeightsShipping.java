package io.github.fastvision.spark;

/** How a {@link SparkImageModel}'s weights reach the executors. */
public enum WeightsShipping {
    /** Executors read the weights path themselves: a path every node sees (shared or copied). */
    PATH,
    /**
     * The driver reads the weights once and broadcasts the bytes; each executor JVM writes them to
     * a local temporary file, loads the model and deletes the file.
     */
    BROADCAST
}
