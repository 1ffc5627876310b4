package io.github.fastvision.training.data.transform;

import java.util.Random;

/**
 * Inception-style random resized crop (Szegedy et al. 2015, as torchvision implements it): a region
 * covering a random fraction of the area in {@code [minScale, maxScale]} with a log-uniform aspect
 * ratio in {@code [3/4, 4/3]}, resized to the output side by {@link FloatImage#resample}
 * (inference's bilinear filter). After ten failed draws it falls back to the whole image.
 */
public final class RandomResizedCrop implements ImageTransform {

    private final int size;
    private final double minScale;
    private final double maxScale;
    private static final double LOG_MIN_RATIO = Math.log(3.0 / 4.0);
    private static final double LOG_MAX_RATIO = Math.log(4.0 / 3.0);

    /**
     * Creates the step.
     *
     * @param size output side
     * @param minScale smallest area fraction (0.08 for ImageNet)
     * @param maxScale largest area fraction (1.0)
     */
    public RandomResizedCrop(int size, double minScale, double maxScale) {
        if (size < 1) {
            throw new IllegalArgumentException("crop size must be >= 1 but was " + size);
        }
        if (!(minScale > 0 && minScale <= maxScale && maxScale <= 1)) {
            throw new IllegalArgumentException(
                    "crop scale must satisfy 0 < min <= max <= 1 but was ["
                            + minScale
                            + ", "
                            + maxScale
                            + "]");
        }
        this.size = size;
        this.minScale = minScale;
        this.maxScale = maxScale;
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        int h = image.height();
        int w = image.width();
        double area = (double) h * w;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (minScale + random.nextDouble() * (maxScale - minScale));
            double ratio =
                    Math.exp(LOG_MIN_RATIO + random.nextDouble() * (LOG_MAX_RATIO - LOG_MIN_RATIO));
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                int top = random.nextInt(h - ch + 1);
                int left = random.nextInt(w - cw + 1);
                return image.resample(top, left, ch, cw, size, size);
            }
        }
        return image.resample(0, 0, h, w, size, size);
    }
}
