package io.github.fastvision.examples.studies;

import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.recipe.Recipe;

/**
 * What a study trains on and how: the data, the recipe every model trains with, epochs, batch,
 * input side, seed and the progress listener. Shared by {@link SingleBottleneckStudy} and {@link
 * PConvRatioStudy}; build it with {@link #builder()}.
 */
public final class StudySettings {

    private final DatasetSplit data;
    private final Recipe recipe;
    private final int epochs;
    private final int batch;
    private final int imageSize;
    private final long seed;
    private final TrainingLoopListener listener;

    private StudySettings(Builder b) {
        this.data = b.data;
        this.recipe = b.recipe;
        this.epochs = b.epochs;
        this.batch = b.batch;
        this.imageSize = b.imageSize == 0 ? b.data.train().height() : b.imageSize;
        this.seed = b.seed;
        this.listener = b.listener;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the dataset.
     *
     * @return the data
     */
    public DatasetSplit data() {
        return data;
    }

    /**
     * Returns the recipe every model trains with.
     *
     * @return the recipe
     */
    public Recipe recipe() {
        return recipe;
    }

    /**
     * Returns the epochs per model.
     *
     * @return epochs
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Returns the batch size.
     *
     * @return batch
     */
    public int batch() {
        return batch;
    }

    /**
     * Returns the training input side.
     *
     * @return the side in pixels
     */
    public int imageSize() {
        return imageSize;
    }

    /**
     * Returns the seed, the same for every model.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Returns the progress listener of each model's training.
     *
     * @return the listener
     */
    public TrainingLoopListener listener() {
        return listener;
    }

    /** Builder for {@link StudySettings}. */
    public static final class Builder {
        private DatasetSplit data;
        private Recipe recipe;
        private int epochs;
        private int batch;
        private int imageSize;
        private long seed;
        private TrainingLoopListener listener = TrainingLoopListener.NONE;

        Builder() {}

        /**
         * Sets the dataset (required).
         *
         * @param data the dataset
         * @return this builder
         */
        public Builder setData(DatasetSplit data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the recipe every model trains with (required).
         *
         * @param recipe the recipe
         * @return this builder
         */
        public Builder setRecipe(Recipe recipe) {
            this.recipe = recipe;
            return this;
        }

        /**
         * Sets the epochs per model (required, at least 1).
         *
         * @param epochs epochs per model
         * @return this builder
         */
        public Builder setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the batch size (required, at least 1).
         *
         * @param batch batch size
         * @return this builder
         */
        public Builder setBatch(int batch) {
            this.batch = batch;
            return this;
        }

        /**
         * Sets the training input side of {@link PConvRatioStudy} (default: the data's image
         * height; {@link SingleBottleneckStudy} always trains at the data's side).
         *
         * @param imageSize side in pixels, at least 1
         * @return this builder
         */
        public Builder optImageSize(int imageSize) {
            if (imageSize < 1) {
                throw new IllegalArgumentException(
                        "study: imageSize must be >= 1 but was " + imageSize);
            }
            this.imageSize = imageSize;
            return this;
        }

        /**
         * Sets the seed, the same for every model (default 0).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the progress listener (default {@link TrainingLoopListener#NONE}).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder optListener(TrainingLoopListener listener) {
            if (listener == null) {
                throw new IllegalArgumentException(
                        "study: listener must not be null (TrainingLoopListener.NONE for none)");
            }
            this.listener = listener;
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming a missing or out-of-range value
         */
        public StudySettings build() {
            if (data == null) {
                throw new IllegalArgumentException("study: data is required");
            }
            if (recipe == null) {
                throw new IllegalArgumentException("study: recipe is required");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException(
                        "study: epochs is required and must be >= 1 but was " + epochs);
            }
            if (batch < 1) {
                throw new IllegalArgumentException(
                        "study: batch is required and must be >= 1 but was " + batch);
            }
            return new StudySettings(this);
        }
    }
}
