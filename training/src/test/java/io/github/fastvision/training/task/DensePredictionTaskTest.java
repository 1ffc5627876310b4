package io.github.fastvision.training.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class DensePredictionTaskTest {

    @Test
    void lossSumsEveryExitsCrossEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new long[] {0, 1, 2, 1}, new Shape(1, 2, 2));
            NDArray uniform = m.zeros(new Shape(1, 3, 2, 2));
            NDArray sure = labels.oneHot(3).transpose(0, 3, 1, 2).mul(50f);
            NDArray loss = DensePredictionTask.loss(new NDList(uniform, uniform, sure), labels);
            assertEquals(2 * Math.log(3), loss.getFloat(), 1e-5);
        }
    }
}
