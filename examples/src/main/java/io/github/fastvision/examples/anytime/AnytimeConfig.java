package io.github.fastvision.examples.anytime;

import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.training.StopSignal;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The settings of the anytime experiment ({@link AnytimeExperiment}), built with {@link
 * #builder()}: the model name is required, every other value has the CLI's default.
 */
public final class AnytimeConfig {

    private final String model;
    private final int trainCanvas;
    private final int testCanvas;
    private final int trainImages;
    private final int testImages;
    private final int batch;
    private final int evalBatch;
    private final double trainMinutes;
    private final long trainSteps;
    private final StopSignal stop;
    private final float threshold;
    private final double caWarmupFraction;
    private final double learningRate;
    private final long seed;
    private final Path checkpointDir;
    private final Path figure;
    private final double maxSparseDensity;
    private final int itemScale;
    private final ThresholdSearch thresholdSearch;

    private AnytimeConfig(Builder b) {
        this.model = b.model;
        this.trainCanvas = b.trainCanvas;
        this.testCanvas = b.testCanvas;
        this.trainImages = b.trainImages;
        this.testImages = b.testImages;
        this.batch = b.batch;
        this.evalBatch = b.evalBatch;
        this.trainMinutes = b.trainMinutes;
        this.trainSteps = b.trainSteps;
        this.stop = b.stop;
        this.threshold = b.threshold;
        this.caWarmupFraction = b.caWarmupFraction;
        this.learningRate = b.learningRate;
        this.seed = b.seed;
        this.checkpointDir = b.checkpointDir;
        this.figure = b.figure;
        this.maxSparseDensity = b.maxSparseDensity;
        this.itemScale = b.itemScale;
        this.thresholdSearch = b.thresholdSearch;
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * HRNet zoo name.
     *
     * @return the name
     */
    public String model() {
        return model;
    }

    /**
     * Training mosaic side.
     *
     * @return pixels
     */
    public int trainCanvas() {
        return trainCanvas;
    }

    /**
     * Test mosaic side.
     *
     * @return pixels
     */
    public int testCanvas() {
        return testCanvas;
    }

    /**
     * Training mosaics.
     *
     * @return count
     */
    public int trainImages() {
        return trainImages;
    }

    /**
     * Test mosaics.
     *
     * @return count
     */
    public int testImages() {
        return testImages;
    }

    /**
     * Training batch.
     *
     * @return images
     */
    public int batch() {
        return batch;
    }

    /**
     * Inference batch for the wall-clock measurement.
     *
     * @return images
     */
    public int evalBatch() {
        return evalBatch;
    }

    /**
     * EE's training time; the step count it reaches is used for all variants.
     *
     * @return minutes
     */
    public double trainMinutes() {
        return trainMinutes;
    }

    /**
     * The steps every variant trains, or 0 when EE's time budget ({@link #trainMinutes()}) fixes
     * them.
     *
     * @return the fixed steps, or 0
     */
    public long trainSteps() {
        return trainSteps;
    }

    /**
     * What stops training at a step boundary (a signal, see {@link StopSignal#onShutdown}).
     *
     * @return the stop signal, or null for none
     */
    public StopSignal stop() {
        return stop;
    }

    /**
     * ADP-C confidence threshold for training, and for inference unless a threshold search is
     * given.
     *
     * @return the threshold
     */
    public float threshold() {
        return threshold;
    }

    /**
     * Share of ADP-C's steps trained before adaptivity is switched on.
     *
     * @return the share in [0, 1]
     */
    public double caWarmupFraction() {
        return caWarmupFraction;
    }

    /**
     * AdamW peak learning rate.
     *
     * @return the rate
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * Seed for data and initialization.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * Where weights are saved and loaded, or null.
     *
     * @return the directory or null
     */
    public Path checkpointDir() {
        return checkpointDir;
    }

    /**
     * Where the exit visualization PNG goes, or null.
     *
     * @return the file or null
     */
    public Path figure() {
        return figure;
    }

    /**
     * Above this share of computed positions a masked convolution runs densely at inference (0 =
     * never sparse, 1 = always).
     *
     * @return the share
     */
    public double maxSparseDensity() {
        return maxSparseDensity;
    }

    /**
     * Integer enlargement of the Fashion-MNIST items in the mosaics (1 = 28 pixels).
     *
     * @return the scale
     */
    public int itemScale() {
        return itemScale;
    }

    /**
     * How to choose ADP-C's inference threshold on held-out mosaics, or null to use {@link
     * #threshold()}.
     *
     * @return the search or null
     */
    public ThresholdSearch thresholdSearch() {
        return thresholdSearch;
    }

    /** Builds an {@link AnytimeConfig}; {@link #build()} validates the values. */
    public static final class Builder {

        private String model;
        private int trainCanvas = 96;
        private int testCanvas = 192;
        private int trainImages = 4000;
        private int testImages = 96;
        private int batch = 16;
        private int evalBatch = 16;
        private double trainMinutes = 4;
        private long trainSteps;
        private StopSignal stop;
        private float threshold = 0.998f;
        private double caWarmupFraction = 0.5;
        private double learningRate = 0.002;
        private long seed = 42;
        private Path checkpointDir;
        private Path figure;
        private double maxSparseDensity = AnytimeContext.DEFAULT_MAX_SPARSE_DENSITY;
        private int itemScale = 3;
        private ThresholdSearch thresholdSearch;

        private Builder() {}

        /**
         * Sets the HRNet zoo name (required).
         *
         * @param model the name
         * @return this builder
         */
        public Builder setModel(String model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the training and test mosaic sides (default 96 and 192).
         *
         * @param train training side
         * @param test test side
         * @return this builder
         */
        public Builder optCanvases(int train, int test) {
            this.trainCanvas = train;
            this.testCanvas = test;
            return this;
        }

        /**
         * Sets the numbers of training and test mosaics (default 4000 and 96).
         *
         * @param train training mosaics
         * @param test test mosaics, a multiple of the inference batch
         * @return this builder
         */
        public Builder optImages(int train, int test) {
            this.trainImages = train;
            this.testImages = test;
            return this;
        }

        /**
         * Sets the training and inference batches (default 16 and 16).
         *
         * @param train training batch
         * @param eval inference batch
         * @return this builder
         */
        public Builder optBatches(int train, int eval) {
            this.batch = train;
            this.evalBatch = eval;
            return this;
        }

        /**
         * Sets EE's training time (default 4 minutes).
         *
         * @param minutes positive minutes
         * @return this builder
         */
        public Builder optTrainMinutes(double minutes) {
            this.trainMinutes = minutes;
            return this;
        }

        /**
         * Trains every variant for exactly this many steps instead of EE's time budget, so that a
         * run on a loaded machine trains as much as one on an idle one (default 0: the budget).
         *
         * @param steps steps per variant, or 0 for the time budget
         * @return this builder
         */
        public Builder optTrainSteps(long steps) {
            this.trainSteps = steps;
            return this;
        }

        /**
         * Sets ADP-C's training (and default inference) threshold (default 0.998).
         *
         * @param threshold in (0, 1]
         * @return this builder
         */
        public Builder optThreshold(float threshold) {
            this.threshold = threshold;
            return this;
        }

        /**
         * Sets the share of ADP-C's steps before adaptivity is on (default 0.5).
         *
         * @param fraction in [0, 1]
         * @return this builder
         */
        public Builder optCaWarmupFraction(double fraction) {
            this.caWarmupFraction = fraction;
            return this;
        }

        /**
         * Sets AdamW's peak learning rate (default 0.002).
         *
         * @param lr positive rate
         * @return this builder
         */
        public Builder optLearningRate(double lr) {
            this.learningRate = lr;
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
         * Sets the checkpoint directory (default none).
         *
         * @param dir the directory or null
         * @return this builder
         */
        public Builder optCheckpointDir(Path dir) {
            this.checkpointDir = dir;
            return this;
        }

        /**
         * Sets the figure's file (default none).
         *
         * @param png the file or null
         * @return this builder
         */
        public Builder optFigure(Path png) {
            this.figure = png;
            return this;
        }

        /**
         * Sets the largest active share at which masked convolutions run sparsely (default 0.25,
         * {@code AnytimeContext.DEFAULT_MAX_SPARSE_DENSITY}).
         *
         * @param density in [0, 1]
         * @return this builder
         */
        public Builder optMaxSparseDensity(double density) {
            this.maxSparseDensity = density;
            return this;
        }

        /**
         * Sets the item enlargement (default 3).
         *
         * @param scale at least 1
         * @return this builder
         */
        public Builder optItemScale(int scale) {
            this.itemScale = scale;
            return this;
        }

        /**
         * Sets the threshold search (default none: the training threshold is used).
         *
         * @param search the search or null
         * @return this builder
         */
        public Builder optThresholdSearch(ThresholdSearch search) {
            this.thresholdSearch = search;
            return this;
        }

        /**
         * Stops training at the next step boundary once the signal is raised (default none).
         *
         * @param stop the signal, or null for none
         * @return this builder
         */
        public Builder optStop(StopSignal stop) {
            this.stop = stop;
            return this;
        }

        /**
         * Validates and builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the invalid value and its allowed range
         */
        public AnytimeConfig build() {
            Objects.requireNonNull(model, "model must be set");
            positive("train canvas", trainCanvas);
            positive("test canvas", testCanvas);
            positive("train images", trainImages);
            positive("test images", testImages);
            if (batch < 2 || batch > trainImages) {
                throw new IllegalArgumentException(
                        "batch must be in [2, "
                                + trainImages
                                + "] (the training mosaics) but was "
                                + batch);
            }
            if (evalBatch < 1 || testImages % evalBatch != 0) {
                throw new IllegalArgumentException(
                        "test images ("
                                + testImages
                                + ") must be a positive multiple of the inference batch ("
                                + evalBatch
                                + ")");
            }
            if (trainSteps < 0) {
                throw new IllegalArgumentException(
                        "train steps must be >= 0 (0: EE's time budget) but was " + trainSteps);
            }
            if (!(trainMinutes > 0)) {
                throw new IllegalArgumentException(
                        "train minutes must be > 0 but was " + trainMinutes);
            }
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException(
                        "threshold must be in (0, 1] but was " + threshold);
            }
            if (!(caWarmupFraction >= 0 && caWarmupFraction <= 1)) {
                throw new IllegalArgumentException(
                        "CA warm-up fraction must be in [0, 1] but was " + caWarmupFraction);
            }
            if (!(learningRate > 0)) {
                throw new IllegalArgumentException(
                        "learning rate must be > 0 but was " + learningRate);
            }
            if (!(maxSparseDensity >= 0 && maxSparseDensity <= 1)) {
                throw new IllegalArgumentException(
                        "max sparse density must be in [0, 1] but was " + maxSparseDensity);
            }
            positive("item scale", itemScale);
            if (thresholdSearch != null && thresholdSearch.validationImages() % evalBatch != 0) {
                throw new IllegalArgumentException(
                        "validation mosaics ("
                                + thresholdSearch.validationImages()
                                + ") must be a positive multiple of the inference batch ("
                                + evalBatch
                                + ")");
            }
            return new AnytimeConfig(this);
        }

        private static void positive(String what, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be >= 1 but was " + value);
            }
        }
    }
}
