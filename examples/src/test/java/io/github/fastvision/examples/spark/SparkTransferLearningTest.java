package io.github.fastvision.examples.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer-learning example at a small size: a backbone trained for a few steps, 100 training
 * and 50 test PNGs, a featurizer + logistic regression pipeline that is saved, reloaded in a fresh
 * session and predicts every test image identically.
 */
class SparkTransferLearningTest {

    @TempDir Path tmp;

    @Test
    void aSavedPipelinePredictsTheSameInAFreshSessionAndBeatsChance() throws Exception {
        SparkTransferLearning.Result r =
                SparkTransferLearning.run(
                        new SparkTransferLearning.Options(
                                tmp, 100, 50, "test_fasternet", 10, null, "local[2]", "auto", 20));
        assertEquals(100, r.trainRows());
        assertEquals(50, r.testRows());
        assertTrue(r.reloadedIdentical());
        assertTrue(Files.isDirectory(Path.of(r.pipeline(), "stages")));
        // Ten balanced classes: chance is 0.1.
        assertTrue(r.accuracy() > 0.3, "accuracy " + r.accuracy());
    }
}
