package io.github.fastvision.training.data.transform;

import java.util.List;
import java.util.Random;

/**
 * Transforms applied in order.
 *
 * @param steps the steps
 */
public record Pipeline(List<ImageTransform> steps) implements ImageTransform {

    /** Copies the step list. */
    public Pipeline {
        steps = List.copyOf(steps);
    }

    /**
     * The training augmentation of the papers: random resized crop, horizontal flip (optional),
     * normalization.
     *
     * @param size output side
     * @param minScale smallest crop area fraction
     * @param flip whether to flip half of the images
     * @param channels image channels, for the normalization statistics
     * @return the pipeline
     */
    public static Pipeline training(int size, double minScale, boolean flip, int channels) {
        return training(size, minScale, flip, 0, channels);
    }

    /**
     * The training augmentation with an optional pad-and-crop translation after the crop.
     *
     * @param size output side
     * @param minScale smallest crop area fraction
     * @param flip whether to flip half of the images
     * @param padCrop largest random shift in pixels (0 = none)
     * @param channels image channels, for the normalization statistics
     * @return the pipeline
     */
    public static Pipeline training(
            int size, double minScale, boolean flip, int padCrop, int channels) {
        return new Pipeline(
                List.of(
                        new RandomResizedCrop(size, minScale, 1.0),
                        new RandomPadCrop(padCrop),
                        new HorizontalFlip(flip ? 0.5 : 0.0),
                        Normalize.forChannels(channels)));
    }

    /**
     * Evaluation preprocessing: resize and normalize.
     *
     * @param size output side
     * @param channels image channels
     * @return the pipeline
     */
    public static Pipeline evaluation(int size, int channels) {
        return new Pipeline(List.of(new Resize(size), Normalize.forChannels(channels)));
    }

    @Override
    public Image apply(Image image, Random random) {
        Image out = image;
        for (ImageTransform t : steps) {
            out = t.apply(out, random);
        }
        return out;
    }
}
