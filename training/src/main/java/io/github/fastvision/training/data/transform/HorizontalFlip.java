package io.github.fastvision.training.data.transform;

import java.util.Random;

/** Mirrors the image left-right with a probability. */
public final class HorizontalFlip implements ImageTransform {

    private final double probability;

    /**
     * Creates the step.
     *
     * @param probability chance of flipping, in [0, 1]
     */
    public HorizontalFlip(double probability) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException(
                    "flip probability must be in [0, 1] but was " + probability);
        }
        this.probability = probability;
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        if (random.nextDouble() >= probability) {
            return image;
        }
        float[] d = image.data();
        int w = image.width();
        for (int row = 0; row < image.channels() * image.height(); row++) {
            int base = row * w;
            for (int x = 0; x < w / 2; x++) {
                float t = d[base + x];
                d[base + x] = d[base + w - 1 - x];
                d[base + w - 1 - x] = t;
            }
        }
        return image;
    }
}
