package io.github.fastvision.training.recipe;

/**
 * A training recipe as data: the hyper-parameters of one row of a paper's training table. The
 * papers train on ImageNet for hundreds of epochs at batch 512–4096; {@link #lrFor} and {@link #warmupFor} turn a
 * recipe into a run of another length and batch with the papers' own rules (the linear scaling
 * rule for the learning rate, warm-up kept as the same fraction of training).
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
     * A recipe without pad-and-crop translation.
     *
     * @param name the name
     * @param source where the values come from
     * @param optimizer the optimizer
     * @param lr peak learning rate at {@code referenceBatch}
     * @param referenceBatch the batch the learning rate is stated for
     * @param weightDecay decoupled weight decay
     * @param epochs epochs
     * @param warmupEpochs linear warm-up epochs
     * @param schedule the decay schedule
     * @param labelSmoothing label smoothing
     * @param dropPath stochastic depth rate, negative for the model's default
     * @param mixupAlpha mixup α (0 = off)
     * @param cutmixAlpha cutmix α (0 = off)
     * @param emaDecay EMA decay (0 = off)
     * @param gradClip global-norm clipping (0 = off)
     * @param cropMinScale random-resized-crop minimum area
     * @param flip horizontal flips
     */
    public Recipe(String name, String source, OptimizerKind optimizer, double lr, int referenceBatch,
            double weightDecay, int epochs, double warmupEpochs, ScheduleKind schedule, float labelSmoothing,
            float dropPath, double mixupAlpha, double cutmixAlpha, double emaDecay, double gradClip,
            double cropMinScale, boolean flip) {
        this(name, source, optimizer, lr, referenceBatch, weightDecay, epochs, warmupEpochs, schedule,
                labelSmoothing, dropPath, mixupAlpha, cutmixAlpha, emaDecay, gradClip, cropMinScale, flip, 0);
    }

    /** Validates the values. */
    public Recipe {
        if (padCrop < 0) {
            throw new IllegalArgumentException("recipe " + name + ": pad-and-crop shift must be >= 0");
        }
        if (!(lr > 0) || referenceBatch < 1 || weightDecay < 0 || epochs < 1 || warmupEpochs < 0) {
            throw new IllegalArgumentException("recipe " + name + " has an invalid lr, batch, decay or length");
        }
        if (labelSmoothing < 0 || labelSmoothing >= 1 || emaDecay < 0 || emaDecay >= 1 || gradClip < 0) {
            throw new IllegalArgumentException(
                    "recipe " + name + ": label smoothing and EMA decay must be in [0, 1), clip >= 0");
        }
        if (!(cropMinScale > 0 && cropMinScale <= 1)) {
            throw new IllegalArgumentException("recipe " + name + ": crop scale must be in (0, 1]");
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
        return new Recipe(
                name, source, optimizer, lr, referenceBatch, weightDecay, epochs, warmupEpochs, schedule,
                labelSmoothing, rate, mixupAlpha, cutmixAlpha, emaDecay, gradClip, cropMinScale, flip, padCrop);
    }
}
