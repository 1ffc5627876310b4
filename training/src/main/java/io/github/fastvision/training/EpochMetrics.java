package io.github.fastvision.training;

/**
 * What one epoch measured.
 *
 * @param epoch 1-based epoch
 * @param trainLoss mean training loss (with the recipe's smoothing and mixing)
 * @param trainAccuracy training accuracy in [0, 1] against the dominant label
 * @param testLoss mean test cross-entropy
 * @param testAccuracy test accuracy in [0, 1]
 * @param lr learning rate at the epoch's last step
 * @param trainSeconds wall time of the epoch's training steps
 * @param imagesPerSecond training images per second
 * @param rssMiB resident memory of the process after the epoch
 */
public record EpochMetrics(
        int epoch,
        double trainLoss,
        double trainAccuracy,
        double testLoss,
        double testAccuracy,
        double lr,
        double trainSeconds,
        double imagesPerSecond,
        double rssMiB) {}
