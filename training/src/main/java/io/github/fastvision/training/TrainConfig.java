package io.github.fastvision.training;

import io.github.fastvision.training.recipe.Recipe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One training run: what is trained, with which recipe, for how long, and where its files go. The
 * length is a number of epochs, optionally cut short by a step count or a wall-clock budget
 * (whichever ends first); a run given only a step or time budget has no epoch limit.
 *
 * <p>Built with {@link #builder()}: {@code setModel}, {@code setRecipe}, {@code setBatch} and
 * {@code setImageSize} are required, and so is {@code setEpochs} unless a step or time budget is
 * given.
 */
public final class TrainConfig {

    private final String model;
    private final Recipe recipe;
    private final int epochs;
    private final int batch;
    private final int imageSize;
    private final int stemStride;
    private final long seed;
    private final String dataset;
    private final Path out;
    private final boolean resume;
    private final long maxSteps;
    private final Duration timeBudget;
    private final StopSignal stop;

    private TrainConfig(Builder b) {
        this.model = b.model;
        this.recipe = b.recipe;
        this.epochs = b.epochs;
        this.batch = b.batch;
        this.imageSize = b.imageSize;
        this.stemStride = b.stemStride;
        this.seed = b.seed;
        this.dataset = b.dataset;
        this.out = b.out;
        this.resume = b.resume;
        this.maxSteps = b.maxSteps;
        this.timeBudget = b.timeBudget;
        this.stop = b.stop;
    }

    /**
     * Starts a builder.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder holding this run's values, to change a few of them.
     *
     * @return a filled builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.recipe = recipe;
        b.epochs = epochs;
        b.batch = batch;
        b.imageSize = imageSize;
        b.stemStride = stemStride;
        b.seed = seed;
        b.dataset = dataset;
        b.out = out;
        b.resume = resume;
        b.maxSteps = maxSteps;
        b.timeBudget = timeBudget;
        b.stop = stop;
        return b;
    }

    /**
     * The model's name (recorded in checkpoints; a resume must match it).
     *
     * @return the name
     */
    public String model() {
        return model;
    }

    /**
     * The recipe.
     *
     * @return the recipe
     */
    public Recipe recipe() {
        return recipe;
    }

    /**
     * Total epochs of the run ({@link Integer#MAX_VALUE} when only a step or time budget ends it).
     *
     * @return epochs
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Batch size.
     *
     * @return the batch
     */
    public int batch() {
        return batch;
    }

    /**
     * Square input side.
     *
     * @return pixels
     */
    public int imageSize() {
        return imageSize;
    }

    /**
     * The model's stem stride ({@link io.github.fastvision.models.ModelOptions}; 0 for the family's
     * stem).
     *
     * @return the stride
     */
    public int stemStride() {
        return stemStride;
    }

    /**
     * Seed of initialization, data order, augmentation and stochastic depth.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The dataset's name, for records.
     *
     * @return the name
     */
    public String dataset() {
        return dataset;
    }

    /**
     * Directory for checkpoint, metrics and weights, or null to write nothing.
     *
     * @return the directory or null
     */
    public Path out() {
        return out;
    }

    /**
     * Whether to continue from the checkpoint in {@link #out()}.
     *
     * @return true to resume
     */
    public boolean resume() {
        return resume;
    }

    /**
     * The most optimizer steps of the run, or 0 for no step limit.
     *
     * @return steps
     */
    public long maxSteps() {
        return maxSteps;
    }

    /**
     * The wall-clock training budget, or null for none.
     *
     * @return the budget or null
     */
    public Duration timeBudget() {
        return timeBudget;
    }

    /**
     * What asks the run to stop at a step boundary.
     *
     * @return the stop signal, or null for none
     */
    public StopSignal stop() {
        return stop;
    }

    /** Builds a {@link TrainConfig}; {@link #build()} validates every value. */
    public static final class Builder {

        private String model;
        private Recipe recipe;
        private int epochs;
        private int batch;
        private int imageSize;
        private int stemStride;
        private long seed = 42;
        private String dataset = "unnamed";
        private Path out;
        private boolean resume;
        private long maxSteps;
        private Duration timeBudget;
        private StopSignal stop;

        private Builder() {}

        /**
         * Sets the model's name (required).
         *
         * @param model the name
         * @return this builder
         */
        public Builder setModel(String model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the recipe (required).
         *
         * @param recipe the recipe
         * @return this builder
         */
        public Builder setRecipe(Recipe recipe) {
            this.recipe = recipe;
            return this;
        }

        /**
         * Sets the total epochs (required unless a step or time budget is set).
         *
         * @param epochs at least 1
         * @return this builder
         */
        public Builder setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the batch size (required).
         *
         * @param batch at least 2
         * @return this builder
         */
        public Builder setBatch(int batch) {
            this.batch = batch;
            return this;
        }

        /**
         * Sets the square input side (required).
         *
         * @param imageSize at least 8
         * @return this builder
         */
        public Builder setImageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /**
         * Sets the stem stride (default 0: the family's stem).
         *
         * @param stemStride 0 or at least 1
         * @return this builder
         */
        public Builder optStemStride(int stemStride) {
            this.stemStride = stemStride;
            return this;
        }

        /**
         * Sets the seed (default 42).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the dataset's name for records (default "unnamed").
         *
         * @param dataset the name
         * @return this builder
         */
        public Builder optDataset(String dataset) {
            this.dataset = dataset;
            return this;
        }

        /**
         * Sets the run directory (default none: nothing is written).
         *
         * @param out the directory or null
         * @return this builder
         */
        public Builder optOut(Path out) {
            this.out = out;
            return this;
        }

        /**
         * Continues from the checkpoint in the run directory (default false).
         *
         * @param resume whether to resume
         * @return this builder
         */
        public Builder optResume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /**
         * Stops after this many optimizer steps (default 0: no step limit); the schedule then spans
         * these steps.
         *
         * @param maxSteps at least 1, or 0 for none
         * @return this builder
         */
        public Builder optMaxSteps(long maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        /**
         * Stops once this much wall-clock time has been spent training (default none); without a
         * step limit the schedule then follows the elapsed share of the budget.
         *
         * @param timeBudget a positive duration, or null for none
         * @return this builder
         */
        public Builder optTimeBudget(Duration timeBudget) {
            this.timeBudget = timeBudget;
            return this;
        }

        /**
         * Stops the run at the next step boundary once the signal is raised (default none); the
         * trainer then throws {@link TrainingStoppedException} and keeps the last checkpoint.
         *
         * @param stop the signal, or null for none
         * @return this builder
         */
        public Builder optStop(StopSignal stop) {
            this.stop = stop;
            return this;
        }

        /**
         * Validates the values and builds the run.
         *
         * @return the run
         * @throws IllegalArgumentException naming the first invalid value and its allowed range
         */
        public TrainConfig build() {
            Objects.requireNonNull(model, "model must be set");
            Objects.requireNonNull(recipe, "recipe must be set");
            if (stemStride < 0) {
                throw new IllegalArgumentException(
                        "stem stride must be >= 1 (or 0 for the family's stem) but was "
                                + stemStride);
            }
            if (maxSteps < 0) {
                throw new IllegalArgumentException(
                        "max steps must be >= 1 (or 0 for no limit) but was " + maxSteps);
            }
            if (timeBudget != null && (timeBudget.isNegative() || timeBudget.isZero())) {
                throw new IllegalArgumentException(
                        "time budget must be positive but was " + timeBudget);
            }
            boolean budgeted = maxSteps > 0 || timeBudget != null;
            if (epochs == 0 && budgeted) {
                epochs = Integer.MAX_VALUE;
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1 but was " + epochs);
            }
            if (batch < 2) {
                throw new IllegalArgumentException(
                        "batch must be >= 2 (batch norm needs two images) but was " + batch);
            }
            if (imageSize < 8) {
                throw new IllegalArgumentException("image size must be >= 8 but was " + imageSize);
            }
            if (resume && out == null) {
                throw new IllegalArgumentException("resuming needs the run's output directory");
            }
            return new TrainConfig(this);
        }
    }
}
