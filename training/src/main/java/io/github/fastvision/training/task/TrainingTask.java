package io.github.fastvision.training.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.Iterator;

/**
 * What a {@link io.github.fastvision.training.loop.TrainingLoop} optimizes and measures: the
 * training batches, the loss of a training forward pass, a per-batch training metric and the
 * evaluation after each epoch. The trainer owns everything else (optimizer, schedule, budget,
 * divergence check, checkpoint, listeners), so one loop serves classification and dense prediction.
 *
 * @param <B> one training batch as the task's data source hands it out
 */
public interface TrainingTask<B> extends AutoCloseable {

    /**
     * One training forward pass.
     *
     * @param outputs the model's outputs
     * @param labels the batch's hard labels, for the training metric
     * @param loss the scalar loss to minimize
     * @param size images in the batch
     */
    record Step(NDList outputs, NDArray labels, NDArray loss, int size) {}

    /**
     * The held-out numbers after an epoch.
     *
     * @param loss mean loss (NaN when the task has no held-out data)
     * @param metric the task's metric in [0, 1] (accuracy, mean IoU; NaN without held-out data)
     */
    record Evaluation(double loss, double metric) {

        /** No held-out data. */
        public static final Evaluation NONE = new Evaluation(Double.NaN, Double.NaN);
    }

    /**
     * Checks that an initialized model fits the task's data.
     *
     * @param model the model
     * @throws IllegalArgumentException naming the mismatch
     */
    void checkModel(Block model);

    /**
     * Returns the input channels of the task's images.
     *
     * @return channels
     */
    int channels();

    /**
     * Returns the number of training batches in an epoch.
     *
     * @return at least 1
     */
    int batchesPerEpoch();

    /**
     * Starts an epoch's training batches; the order depends only on the epoch (and the task's
     * seed).
     *
     * @param epoch 0-based epoch
     * @return the batches
     */
    Iterator<B> epoch(int epoch);

    /**
     * Runs the model forward in training mode on a batch and computes the loss. Called inside the
     * trainer's gradient collector; arrays belong to {@code manager}.
     *
     * @param model the model
     * @param ps the parameter store
     * @param batch the batch
     * @param manager the batch's sub-manager
     * @return outputs and loss
     */
    Step forward(Block model, ParameterStore ps, B batch, NDManager manager);

    /**
     * Returns the training metric of a step summed over its images (for accuracy, the number
     * correct), computed after the backward pass.
     *
     * @param step the step
     * @return the sum
     */
    double metricSum(Step step);

    /**
     * Evaluates the model on the task's held-out data in inference mode.
     *
     * @param model the model
     * @param manager the model's manager
     * @return loss and metric, or {@link Evaluation#NONE}
     */
    Evaluation evaluate(Block model, NDManager manager);

    /** Releases the task's data loaders. */
    @Override
    void close();
}
