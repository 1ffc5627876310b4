package io.github.fastvision.spark;

import org.apache.spark.ml.linalg.Vectors;

/**
 * MLlib's vectors, kept out of {@link PartitionFunction}'s signatures: serializing a task inspects
 * its class's methods, and {@link SparkImageModel} alone must run where MLlib is not installed.
 */
final class MlVectors {

    private MlVectors() {}

    /** A dense vector of the values, widened to double. */
    static Object dense(float[] row) {
        double[] d = new double[row.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = row[i];
        }
        return Vectors.dense(d);
    }
}
