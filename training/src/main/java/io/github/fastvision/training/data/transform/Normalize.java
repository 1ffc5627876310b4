package io.github.fastvision.training.data.transform;

import java.util.Arrays;
import java.util.Random;

/** Per-channel {@code (x - mean) / std}. */
public final class Normalize implements ImageTransform {

    /** Fashion-MNIST's training-set mean and standard deviation of pixel values in [0, 1]. */
    public static final Normalize FASHION_MNIST =
            new Normalize(new float[] {0.2860f}, new float[] {0.3530f});

    /** ImageNet's RGB statistics. */
    public static final Normalize IMAGENET =
            new Normalize(
                    new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    private final float[] mean;
    private final float[] std;

    /**
     * Creates the step.
     *
     * @param mean one value per channel
     * @param std one positive value per channel
     */
    public Normalize(float[] mean, float[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException(
                    "mean and std need one value per channel but have "
                            + mean.length
                            + " and "
                            + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException(
                        "std must be positive but is " + Arrays.toString(std));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /**
     * Returns statistics for a channel count: Fashion-MNIST's for 1, ImageNet's for 3.
     *
     * @param channels 1 or 3
     * @return the step
     */
    public static Normalize forChannels(int channels) {
        return channels == 1 ? FASHION_MNIST : IMAGENET;
    }

    /**
     * Returns the per-channel means.
     *
     * @return a copy
     */
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Returns the per-channel standard deviations.
     *
     * @return a copy
     */
    public float[] std() {
        return std.clone();
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        if (image.channels() != mean.length) {
            throw new IllegalArgumentException(
                    "normalization has "
                            + mean.length
                            + " channel(s) but the image has "
                            + image.channels());
        }
        float[] d = image.data();
        int plane = image.height() * image.width();
        for (int c = 0; c < image.channels(); c++) {
            float m = mean[c];
            float inv = 1f / std[c];
            for (int i = c * plane; i < (c + 1) * plane; i++) {
                d[i] = (d[i] - m) * inv;
            }
        }
        return image;
    }
}
