package io.github.fastvision.training.data.transform;

import java.util.Random;

/**
 * Random translation by zero padding and cropping (the CIFAR recipe of He et al. 2016): the image
 * is padded by {@code padding} zero pixels on every side and a window of the original size is cut
 * at a uniformly random offset, so content shifts by up to ±padding pixels without resampling.
 */
public final class RandomPadCrop implements ImageTransform {

    private final int padding;

    /**
     * Creates the step.
     *
     * @param padding the largest shift in pixels (≥ 0; 0 is the identity)
     */
    public RandomPadCrop(int padding) {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0 but was " + padding);
        }
        this.padding = padding;
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        if (padding == 0) {
            return image;
        }
        int h = image.height();
        int w = image.width();
        int c = image.channels();
        int dy = random.nextInt(2 * padding + 1) - padding;
        int dx = random.nextInt(2 * padding + 1) - padding;
        float[] src = image.data();
        float[] dst = new float[src.length];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                if (sy < 0 || sy >= h) {
                    continue;
                }
                for (int x = 0; x < w; x++) {
                    int sx = x + dx;
                    if (sx >= 0 && sx < w) {
                        dst[(ch * h + y) * w + x] = src[(ch * h + sy) * w + sx];
                    }
                }
            }
        }
        return new FloatImage(dst, c, h, w);
    }
}
