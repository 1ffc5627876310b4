package io.github.fastvision.training.data.transform;

import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.image.ImagePreprocessor;
import java.util.Random;

/**
 * Evaluation resize: the geometry of a {@link Preprocessing} (short side to {@code floor(size /
 * cropPct)}, centered size × size crop) computed by {@link ImagePreprocessor#resizeAndCrop}, the
 * code {@code predict} runs, so a weights file's recorded preprocessing is what evaluation applied.
 */
public final class Resize implements ImageTransform {

    private final int size;
    private final Preprocessing preprocessing;

    /**
     * Creates the step with {@link Pipeline#evaluationPreprocessing}'s geometry (bilinear, no crop
     * margin).
     *
     * @param size output side
     */
    public Resize(int size) {
        this(size, Pipeline.evaluationPreprocessing(1));
    }

    /**
     * Creates the step with a preprocessing's interpolation and crop fraction (its statistics are
     * {@link Normalize}'s business).
     *
     * @param size output side
     * @param preprocessing the interpolation and crop fraction
     */
    public Resize(int size, Preprocessing preprocessing) {
        if (size < 1) {
            throw new IllegalArgumentException("resize size must be >= 1 but was " + size);
        }
        this.size = size;
        this.preprocessing = preprocessing;
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        float[] out =
                ImagePreprocessor.resizeAndCrop(
                        image.data(),
                        image.channels(),
                        image.height(),
                        image.width(),
                        preprocessing.interpolation(),
                        preprocessing.cropPct(),
                        size);
        return new FloatImage(out, image.channels(), size, size);
    }
}
