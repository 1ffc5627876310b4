package io.github.fastvision.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.training.data.BatchLoader;
import io.github.fastvision.training.data.TrainingBatch;
import java.util.Iterator;

/** Test-set accuracy and cross-entropy of a classifier, batch by batch in scoped sub-managers. */
public final class ClassifierEvaluator {

    /**
     * Accuracy and loss over a set.
     *
     * @param loss mean cross-entropy
     * @param accuracy fraction correct in [0, 1]
     * @param images images seen
     */
    public record Result(double loss, double accuracy, int images) {}

    private ClassifierEvaluator() {}

    /**
     * Evaluates a model in inference mode (no autograd, batch norm on running statistics).
     *
     * @param model the classifier
     * @param manager the model's manager (per-batch sub-managers come from it)
     * @param loader batches of the set, unshuffled
     * @return accuracy and loss
     */
    public static Result evaluate(Block model, NDManager manager, BatchLoader loader) {
        boolean recording = Autograd.isRecording();
        Autograd.disable();
        try {
            ParameterStore ps = new ParameterStore(manager, false);
            double lossSum = 0;
            long correct = 0;
            int seen = 0;
            Iterator<TrainingBatch> it = loader.epoch(0);
            while (it.hasNext()) {
                TrainingBatch b = it.next();
                try (NDManager sub = manager.newSubManager()) {
                    NDArray x =
                            sub.create(
                                    b.images(),
                                    new Shape(b.size(), b.channels(), b.height(), b.width()));
                    NDArray logits = model.forward(ps, new NDList(x), false).singletonOrThrow();
                    NDArray labels = sub.create(b.labels());
                    NDArray targets = sub.create(b.targets(), new Shape(b.size(), b.classes()));
                    lossSum -= logits.logSoftmax(1).mul(targets).sum().getFloat();
                    correct +=
                            logits.argMax(1)
                                    .toType(DataType.INT32, false)
                                    .eq(labels)
                                    .sum()
                                    .getLong();
                    seen += b.size();
                }
            }
            return new Result(lossSum / seen, (double) correct / seen, seen);
        } finally {
            Autograd.setRecording(recording);
        }
    }
}
