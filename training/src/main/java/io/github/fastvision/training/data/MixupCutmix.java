package io.github.fastvision.training.data;

import java.util.Random;

/**
 * Batch-level mixup (Zhang et al. 2018) and cutmix (Yun et al. 2019) as timm applies them: each
 * batch is mixed with itself in reverse order; when both are enabled one of the two is chosen per
 * batch with equal probability. The mixing weight λ is drawn from Beta(α, α); for cutmix it is
 * corrected to the exact pasted area. Targets become λ·y + (1−λ)·y_reversed.
 */
public final class MixupCutmix {

    private final double mixupAlpha;
    private final double cutmixAlpha;

    /**
     * Creates a mixer.
     *
     * @param mixupAlpha mixup's α (0 disables it)
     * @param cutmixAlpha cutmix's α (0 disables it)
     */
    public MixupCutmix(double mixupAlpha, double cutmixAlpha) {
        if (mixupAlpha < 0 || cutmixAlpha < 0) {
            throw new IllegalArgumentException(
                    "mixup and cutmix alphas must be >= 0 but were "
                            + mixupAlpha
                            + " and "
                            + cutmixAlpha);
        }
        this.mixupAlpha = mixupAlpha;
        this.cutmixAlpha = cutmixAlpha;
    }

    /**
     * Whether this mixer changes anything.
     *
     * @return true if mixup or cutmix is on
     */
    public boolean isEnabled() {
        return mixupAlpha > 0 || cutmixAlpha > 0;
    }

    /**
     * Mixes a batch in place.
     *
     * @param images N·C·H·W values
     * @param targets N·K soft targets
     * @param n batch size
     * @param c channels
     * @param h height
     * @param w width
     * @param k classes
     * @param random randomness of this batch
     * @return the λ used (1 when nothing was mixed)
     */
    public double apply(
            float[] images, float[] targets, int n, int c, int h, int w, int k, Random random) {
        if (!isEnabled() || n < 2) {
            return 1.0;
        }
        boolean cutmix = cutmixAlpha > 0 && (mixupAlpha == 0 || random.nextBoolean());
        double lam = beta(cutmix ? cutmixAlpha : mixupAlpha, random);
        int per = c * h * w;
        float[] source = images.clone();
        if (cutmix) {
            double cut = Math.sqrt(1 - lam);
            int ch = (int) (h * cut);
            int cw = (int) (w * cut);
            int cy = random.nextInt(h);
            int cx = random.nextInt(w);
            int y0 = Math.max(cy - ch / 2, 0);
            int y1 = Math.min(cy + ch / 2, h);
            int x0 = Math.max(cx - cw / 2, 0);
            int x1 = Math.min(cx + cw / 2, w);
            for (int i = 0; i < n; i++) {
                int j = n - 1 - i;
                for (int ci = 0; ci < c; ci++) {
                    for (int y = y0; y < y1; y++) {
                        int off = ci * h * w + y * w;
                        System.arraycopy(
                                source, j * per + off + x0, images, i * per + off + x0, x1 - x0);
                    }
                }
            }
            lam = 1 - (double) (y1 - y0) * (x1 - x0) / (h * w);
        } else {
            float a = (float) lam;
            for (int i = 0; i < n; i++) {
                int j = n - 1 - i;
                for (int p = 0; p < per; p++) {
                    images[i * per + p] = a * source[i * per + p] + (1 - a) * source[j * per + p];
                }
            }
        }
        float[] t = targets.clone();
        float a = (float) lam;
        for (int i = 0; i < n; i++) {
            int j = n - 1 - i;
            for (int q = 0; q < k; q++) {
                targets[i * k + q] = a * t[i * k + q] + (1 - a) * t[j * k + q];
            }
        }
        return lam;
    }

    /** Beta(α, α) from two Gamma(α, 1) draws. */
    static double beta(double alpha, Random random) {
        double x = gamma(alpha, random);
        double y = gamma(alpha, random);
        return x + y == 0 ? 0.5 : x / (x + y);
    }

    /** Marsaglia and Tsang's method; α < 1 is boosted with U^(1/α). */
    private static double gamma(double alpha, Random random) {
        if (alpha < 1) {
            double u = random.nextDouble();
            return gamma(alpha + 1, random) * Math.pow(u, 1 / alpha);
        }
        double d = alpha - 1.0 / 3;
        double cc = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1 + cc * x;
            } while (v <= 0);
            v = v * v * v;
            double u = random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x
                    || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }
}
