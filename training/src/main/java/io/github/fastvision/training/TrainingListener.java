package io.github.fastvision.training;

/** Receives progress from a {@link Trainer}. Every method has a no-op default. */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};

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
