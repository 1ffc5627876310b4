package io.github.fastvision.training.recipe;

/**
 * A training recipe as data: the hyper-parameters of one row of a paper's training table. The
 * papers train on ImageNet for hundreds of epochs at batch 512–4096; {@link #lrFor} and {@link
 * #warmupFor} turn a recipe into a run of another length and batch with the papers' own rules (the
 * linear scaling rule for the learning rate, warm-up kept as the same fraction of training).
 *
 * @param name registry name
 * @param source where the numbers come from
 * @param optimizer the optimizer
 * @param lr peak learning rate at {@code referenceBatch}
 * @param referenceBatch the batch size {@code lr} belongs to
 * @param weightDecay weight decay (applied to weights of rank ≥ 2 only: norms, biases, scales,
 *     position embeddings and class tokens are not decayed)
 * @param epochs the paper's training length
 * @param warmupEpochs linear warm-up length
 * @param schedule decay after warm-up
 * @param labelSmoothing ε of label smoothing
 * @param dropPath stochastic depth rate, or a negative value for the model's default
 * @param mixupAlpha mixup α (0 off)
 * @param cutmixAlpha cutmix α (0 off)
 * @param emaDecay decay of the weight EMA (0 off)
 * @param gradClip global gradient-norm clip (0 off)
 * @param cropMinScale smallest area fraction of the random resized crop
 * @param flip whether to flip images horizontally at random
 * @param padCrop largest random pad-and-crop shift in pixels (0 = none)
 */
public record Recipe(
        String name,
        String source,
        OptimizerKind optimizer,
        double lr,
        int referenceBatch,
        double weightDecay,
        int epochs,
        double warmupEpochs,
        ScheduleKind schedule,
        float labelSmoothing,
        float dropPath,
        double mixupAlpha,
        double cutmixAlpha,
        double emaDecay,
        double gradClip,
        double cropMinScale,
        boolean flip,
        int padCrop) {

    /**
     * Starts a builder. Required: {@code setName}, {@code setSource}, {@code setOptimizer}, {@code
     * setLr}, {@code setWeightDecay}, {@code setEpochs} and {@code setSchedule}; the optional
     * values default to no warm-up, no regularization or augmentation beyond the identity crop, and
     * the model's own drop-path rate.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder holding this recipe's values.
     *
     * @return a filled builder
     */
    public Builder toBuilder() {
        return new Builder()
                .setName(name)
                .setSource(source)
                .setOptimizer(optimizer)
                .setLr(lr, referenceBatch)
                .setWeightDecay(weightDecay)
                .setEpochs(epochs)
                .optWarmupEpochs(warmupEpochs)
                .setSchedule(schedule)
                .optLabelSmoothing(labelSmoothing)
                .optDropPath(dropPath)
                .optMixupAlpha(mixupAlpha)
                .optCutmixAlpha(cutmixAlpha)
                .optEmaDecay(emaDecay)
                .optGradClip(gradClip)
                .optCropMinScale(cropMinScale)
                .optFlip(flip)
                .optPadCrop(padCrop);
    }

    /** Validates the values. */
    public Recipe {
        check(padCrop >= 0, name, "pad-and-crop shift must be >= 0", padCrop);
        check(lr > 0, name, "lr must be > 0", lr);
        check(referenceBatch >= 1, name, "reference batch must be >= 1", referenceBatch);
        check(weightDecay >= 0, name, "weight decay must be >= 0", weightDecay);
        check(epochs >= 1, name, "epochs must be >= 1", epochs);
        check(warmupEpochs >= 0, name, "warm-up epochs must be >= 0", warmupEpochs);
        check(
                labelSmoothing >= 0 && labelSmoothing < 1,
                name,
                "label smoothing must be in [0, 1)",
                labelSmoothing);
        check(emaDecay >= 0 && emaDecay < 1, name, "EMA decay must be in [0, 1)", emaDecay);
        check(gradClip >= 0, name, "gradient clip must be >= 0", gradClip);
        check(
                mixupAlpha >= 0 && cutmixAlpha >= 0,
                name,
                "mixup and cutmix alpha must be >= 0",
                mixupAlpha);
        check(
                cropMinScale > 0 && cropMinScale <= 1,
                name,
                "crop scale must be in (0, 1]",
                cropMinScale);
    }

    private static void check(boolean ok, String name, String rule, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "recipe " + name + ": " + rule + " but was " + value);
        }
    }

    /**
     * The learning rate for a batch size, by the linear scaling rule (Goyal et al. 2017).
     *
     * @param batch the run's batch size
     * @return the peak learning rate
     */
    public double lrFor(int batch) {
        return lr * batch / referenceBatch;
    }

    /**
     * The warm-up of a run of another length, the same fraction of training as in the paper.
     *
     * @param runEpochs the run's epochs
     * @return warm-up epochs
     */
    public double warmupFor(int runEpochs) {
        return warmupEpochs * runEpochs / epochs;
    }

    /**
     * A copy with another drop-path rate (negative: the model's default).
     *
     * @param rate the rate
     * @return the recipe
     */
    public Recipe withDropPath(float rate) {
        return toBuilder().optDropPath(rate).build();
    }

    /** Builds a {@link Recipe}; {@link #build()} validates the values (the record's own checks). */
    public static final class Builder {

        private String name;
        private String source;
        private OptimizerKind optimizer;
        private double lr;
        private int referenceBatch;
        private double weightDecay = -1;
        private int epochs;
        private double warmupEpochs;
        private ScheduleKind schedule;
        private float labelSmoothing;
        private float dropPath = -1f;
        private double mixupAlpha;
        private double cutmixAlpha;
        private double emaDecay;
        private double gradClip;
        private double cropMinScale = 1.0;
        private boolean flip;
        private int padCrop;

        private Builder() {}

        /**
         * Sets the registry name (required).
         *
         * @param name the name
         * @return this builder
         */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets where the numbers come from (required).
         *
         * @param source the paper and table
         * @return this builder
         */
        public Builder setSource(String source) {
            this.source = source;
            return this;
        }

        /**
         * Sets the optimizer (required).
         *
         * @param optimizer the optimizer
         * @return this builder
         */
        public Builder setOptimizer(OptimizerKind optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /**
         * Sets the peak learning rate and the batch size it is stated for (required).
         *
         * @param lr positive peak learning rate
         * @param referenceBatch at least 1
         * @return this builder
         */
        public Builder setLr(double lr, int referenceBatch) {
            this.lr = lr;
            this.referenceBatch = referenceBatch;
            return this;
        }

        /**
         * Sets the weight decay (required).
         *
         * @param weightDecay at least 0
         * @return this builder
         */
        public Builder setWeightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * Sets the paper's training length (required).
         *
         * @param epochs at least 1
         * @return this builder
         */
        public Builder setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the decay after warm-up (required).
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder setSchedule(ScheduleKind schedule) {
            this.schedule = schedule;
            return this;
        }

        /**
         * Sets the linear warm-up length (default 0).
         *
         * @param warmupEpochs at least 0
         * @return this builder
         */
        public Builder optWarmupEpochs(double warmupEpochs) {
            this.warmupEpochs = warmupEpochs;
            return this;
        }

        /**
         * Sets label smoothing (default 0).
         *
         * @param labelSmoothing in [0, 1)
         * @return this builder
         */
        public Builder optLabelSmoothing(float labelSmoothing) {
            this.labelSmoothing = labelSmoothing;
            return this;
        }

        /**
         * Sets the stochastic depth rate (default -1: the model's own).
         *
         * @param dropPath the rate, or a negative value for the model's default
         * @return this builder
         */
        public Builder optDropPath(float dropPath) {
            this.dropPath = dropPath;
            return this;
        }

        /**
         * Sets mixup's α (default 0: off).
         *
         * @param alpha at least 0
         * @return this builder
         */
        public Builder optMixupAlpha(double alpha) {
            this.mixupAlpha = alpha;
            return this;
        }

        /**
         * Sets cutmix's α (default 0: off).
         *
         * @param alpha at least 0
         * @return this builder
         */
        public Builder optCutmixAlpha(double alpha) {
            this.cutmixAlpha = alpha;
            return this;
        }

        /**
         * Sets the weight EMA's decay (default 0: off).
         *
         * @param decay in [0, 1)
         * @return this builder
         */
        public Builder optEmaDecay(double decay) {
            this.emaDecay = decay;
            return this;
        }

        /**
         * Sets the global gradient-norm clip (default 0: off).
         *
         * @param clip at least 0
         * @return this builder
         */
        public Builder optGradClip(double clip) {
            this.gradClip = clip;
            return this;
        }

        /**
         * Sets the random resized crop's smallest area fraction (default 1: no crop).
         *
         * @param scale in (0, 1]
         * @return this builder
         */
        public Builder optCropMinScale(double scale) {
            this.cropMinScale = scale;
            return this;
        }

        /**
         * Sets random horizontal flips (default off).
         *
         * @param flip whether to flip
         * @return this builder
         */
        public Builder optFlip(boolean flip) {
            this.flip = flip;
            return this;
        }

        /**
         * Sets the largest pad-and-crop shift (default 0: none).
         *
         * @param pixels at least 0
         * @return this builder
         */
        public Builder optPadCrop(int pixels) {
            this.padCrop = pixels;
            return this;
        }

        /**
         * Validates and builds the recipe.
         *
         * @return the recipe
         * @throws IllegalArgumentException naming the invalid value
         */
        public Recipe build() {
            java.util.Objects.requireNonNull(name, "recipe name must be set");
            java.util.Objects.requireNonNull(source, "recipe " + name + ": source must be set");
            java.util.Objects.requireNonNull(
                    optimizer, "recipe " + name + ": optimizer must be set");
            java.util.Objects.requireNonNull(schedule, "recipe " + name + ": schedule must be set");
            return new Recipe(
                    name,
                    source,
                    optimizer,
                    lr,
                    referenceBatch,
                    weightDecay,
                    epochs,
                    warmupEpochs,
                    schedule,
                    labelSmoothing,
                    dropPath,
                    mixupAlpha,
                    cutmixAlpha,
                    emaDecay,
                    gradClip,
                    cropMinScale,
                    flip,
                    padCrop);
        }
    }
}
