package io.github.fastvision.training.data.transform;

import java.util.Random;

/** One per-image augmentation or preprocessing step. */
@FunctionalInterface
public interface ImageTransform {

    /**
     * Transforms an image. Implementations may modify and return {@code image}.
     *
     * @param image the image
     * @param random the source of randomness for this image (deterministic per image)
     * @return the result
     */
    FloatImage apply(FloatImage image, Random random);
}
