package io.github.fastvision.training.data.transform;

import io.github.fastvision.models.Preprocessing;
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
        return trainingBuilder()
                .setSize(size)
                .optMinScale(minScale)
                .optFlip(flip)
                .setChannels(channels)
                .build();
    }

    /**
     * Returns a builder of the training augmentation with every option: random resized crop, an
     * optional pad-and-crop translation after the crop, an optional horizontal flip, normalization.
     *
     * @return a new builder
     */
    public static TrainingBuilder trainingBuilder() {
        return new TrainingBuilder();
    }

    /**
     * Evaluation preprocessing: {@link #evaluationPreprocessing}'s resize, crop and normalization,
     * computed by inference's {@code ImagePreprocessor} code.
     *
     * @param size output side
     * @param channels image channels
     * @return the pipeline
     */
    public static Pipeline evaluation(int size, int channels) {
        Preprocessing p = evaluationPreprocessing(channels);
        return new Pipeline(List.of(new Resize(size, p), new Normalize(p.mean(), p.std())));
    }

    /**
     * What {@link #evaluation} applies, as a weights file records it for {@code predict}: the short
     * side resized bilinearly to the input side, the centered square kept, the channel count's
     * {@link Normalize#forChannels} statistics.
     *
     * @param channels image channels, 1 or 3
     * @return the preprocessing
     */
    public static Preprocessing evaluationPreprocessing(int channels) {
        Normalize stats = Normalize.forChannels(channels);
        return new Preprocessing(
                1f, ai.djl.modality.cv.Image.Interpolation.BILINEAR, stats.mean(), stats.std());
    }

    @Override
    public FloatImage apply(FloatImage image, Random random) {
        FloatImage out = image;
        for (ImageTransform t : steps) {
            out = t.apply(out, random);
        }
        return out;
    }

    /**
     * Builder for the training augmentation; its defaults are those of {@code
     * recipe.Recipe.builder()}.
     */
    public static final class TrainingBuilder {
        private int size;
        private int channels;
        private double minScale = 1.0;
        private boolean flip;
        private int padCrop;

        TrainingBuilder() {}

        /**
         * Sets the output side (required, at least 1).
         *
         * @param size output side
         * @return this builder
         */
        public TrainingBuilder setSize(int size) {
            this.size = size;
            return this;
        }

        /**
         * Sets the image channels, for the normalization statistics (required, at least 1).
         *
         * @param channels image channels
         * @return this builder
         */
        public TrainingBuilder setChannels(int channels) {
            this.channels = channels;
            return this;
        }

        /**
         * Sets the smallest crop area fraction (default 1.0, whole-image crops).
         *
         * @param minScale in (0, 1]
         * @return this builder
         */
        public TrainingBuilder optMinScale(double minScale) {
            this.minScale = minScale;
            return this;
        }

        /**
         * Sets whether half of the images are flipped horizontally (default false).
         *
         * @param flip whether to flip
         * @return this builder
         */
        public TrainingBuilder optFlip(boolean flip) {
            this.flip = flip;
            return this;
        }

        /**
         * Sets the largest random pad-and-crop shift in pixels (default 0, none).
         *
         * @param padCrop at least 0
         * @return this builder
         */
        public TrainingBuilder optPadCrop(int padCrop) {
            this.padCrop = padCrop;
            return this;
        }

        /**
         * Builds the pipeline.
         *
         * @return the pipeline
         * @throws IllegalArgumentException naming a missing or out-of-range value
         */
        public Pipeline build() {
            if (size < 1) {
                throw new IllegalArgumentException(
                        "training pipeline: size is required and must be >= 1 but was " + size);
            }
            if (channels < 1) {
                throw new IllegalArgumentException(
                        "training pipeline: channels is required and must be >= 1 but was "
                                + channels);
            }
            return new Pipeline(
                    List.of(
                            new RandomResizedCrop(size, minScale, 1.0),
                            new RandomPadCrop(padCrop),
                            new HorizontalFlip(flip ? 0.5 : 0.0),
                            Normalize.forChannels(channels)));
        }
    }
}
