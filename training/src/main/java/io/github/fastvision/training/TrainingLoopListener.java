package io.github.fastvision.training;

import java.util.List;

/**
 * Receives progress from a {@link io.github.fastvision.training.loop.TrainingLoop}. Every method
 * has a no-op default.
 */
public interface TrainingLoopListener {

    /** A listener that ignores everything. */
    TrainingLoopListener NONE = new TrainingLoopListener() {};

    /**
     * Called before the first epoch of this run (after a resume, the first remaining one).
     *
     * @param config the run
     * @param startEpoch 0-based first epoch
     * @param batchesPerEpoch training batches per epoch
     */
    default void onStart(TrainConfig config, int startEpoch, int batchesPerEpoch) {}

    /**
     * Called before each optimizer step, so that a listener can change the model's training mode at
     * a point of the run (for example, switch a feature on after a warm-up share).
     *
     * @param step 0-based optimizer step about to run
     * @param progress the share of the run's budget already spent, in [0, 1] (steps, time or
     *     epochs, whichever defines the run's length)
     */
    default void onStepStart(long step, double progress) {}

    /**
     * Called after the backward pass of a step and before gradient clipping and the optimizer step,
     * so that a listener can add a penalty's gradient (for example Network Slimming's L1 sparsity
     * on BN scale factors) to the parameters' gradients in place.
     *
     * @param step 0-based optimizer step about to be applied
     */
    default void onGradients(long step) {}

    /**
     * Called right after each optimizer step, so that a listener can constrain the updated weights
     * (for example re-apply the fixed masks of magnitude pruning).
     *
     * @param step number of optimizer steps applied so far
     */
    default void onStepEnd(long step) {}

    /**
     * Combines listeners; each receives every call, in the given order.
     *
     * @param listeners the listeners
     * @return one listener that forwards to all
     */
    static TrainingLoopListener all(TrainingLoopListener... listeners) {
        List<TrainingLoopListener> list = List.of(listeners);
        return new TrainingLoopListener() {
            @Override
            public void onStart(TrainConfig config, int startEpoch, int batchesPerEpoch) {
                list.forEach(l -> l.onStart(config, startEpoch, batchesPerEpoch));
            }

            @Override
            public void onStepStart(long step, double progress) {
                list.forEach(l -> l.onStepStart(step, progress));
            }

            @Override
            public void onGradients(long step) {
                list.forEach(l -> l.onGradients(step));
            }

            @Override
            public void onStepEnd(long step) {
                list.forEach(l -> l.onStepEnd(step));
            }

            @Override
            public void onBatch(
                    int epoch,
                    int batch,
                    int batches,
                    double loss,
                    double accuracy,
                    double imagesPerSecond) {
                list.forEach(
                        l -> l.onBatch(epoch, batch, batches, loss, accuracy, imagesPerSecond));
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
                list.forEach(l -> l.onEpoch(metrics));
            }
        };
    }

    /**
     * Called after each training step.
     *
     * @param epoch 0-based epoch
     * @param batch 1-based batch within the epoch
     * @param batches batches per epoch
     * @param loss running mean loss of the epoch
     * @param accuracy running training accuracy of the epoch
     * @param imagesPerSecond running throughput
     */
    default void onBatch(
            int epoch,
            int batch,
            int batches,
            double loss,
            double accuracy,
            double imagesPerSecond) {}

    /**
     * Called after each epoch's evaluation and checkpoint.
     *
     * @param metrics the epoch's numbers
     */
    default void onEpoch(EpochMetrics metrics) {}
}
