package io.github.fastvision.spark;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * What an executor needs to load the model: serialized with each task, small (the weights travel by
 * path or as one broadcast).
 *
 * @param kind classifier or embedder
 * @param model zoo name
 * @param weightsPath the weights path ({@link WeightsShipping#PATH}), or null
 * @param weights the broadcast weights file ({@link WeightsShipping#BROADCAST}), or null
 * @param inputSize the input side, 0 for the weights' or the default
 * @param topK classes per prediction
 * @param engine the engine's DJL name, or null for the model's default engine
 * @param precision {@code auto}, {@code fp32} or {@code int8}
 * @param tuneAllocator whether the executor tunes glibc's allocator ({@code NativeAllocator})
 * @param batch rows per forward pass
 * @param weightsId identifies the broadcast weights' content (a digest), so that jobs shipping the
 *     same file share the executor's loaded model; null otherwise
 */
record ModelSpec(
        Kind kind,
        String model,
        String weightsPath,
        Broadcast<byte[]> weights,
        int inputSize,
        int topK,
        String engine,
        String precision,
        boolean tuneAllocator,
        int batch,
        String weightsId)
        implements Serializable {

    /** What the partition computes. */
    enum Kind {
        CLASSIFIER,
        EMBEDDER
    }

    /** The executor cache key: equal specs share one loaded model per JVM. */
    String key() {
        String source =
                weights == null
                        ? "path:" + weightsPath
                        : weightsId != null ? "content:" + weightsId : "broadcast:" + weights.id();
        return kind + "|" + model + "|" + source + "|" + inputSize + "|" + topK + "|" + engine + "|"
                + precision + "|" + batch;
    }
}
