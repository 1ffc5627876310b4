package io.github.fastvision.training.data.transform;

import java.util.Random;

/** Bilinear resize to a square side (evaluation preprocessing). */
public final class Resize implements ImageTransform {

    private final int size;

    /**
     * Creates the step.
     *
     * @param size output side
     */
    public Resize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("resize size must be >= 1 but was " + size);
        }
        this.size = size;
    }

    @Override
    public Image apply(Image image, Random random) {
        if (image.height() == size && image.width() == size) {
            return image;
        }
        return image.resample(0, 0, image.height(), image.width(), size, size);
    }
}
