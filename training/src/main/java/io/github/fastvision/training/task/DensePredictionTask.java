package io.github.fastvision.training.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.heads.ExitHead;
import io.github.fastvision.training.data.DenseDataset;
import io.github.fastvision.training.metrics.SegmentationMetrics;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Dense prediction with one or more exits (early-exit training, Liu 2022 Eq. 2.1): the loss is the
 * sum over exits of each exit's per-pixel cross-entropy (weight 1), the exit's scores bilinearly
 * upsampled to the label size. The training metric is the last exit's pixel accuracy; the
 * evaluation reports the mean loss and the last exit's mean IoU ({@link SegmentationMetrics}) on
 * the held-out images. Batches run through the training images in order, so a run of k steps sees
 * the same data whatever its epoch length.
 *
 * <p>Built with {@link #builder()}; the forward pass defaults to the model's own and can be
 * replaced (a model with several training modes switches between them from a {@link
 * io.github.fastvision.training.TrainingLoopListener}).
 */
public final class DensePredictionTask implements TrainingTask<Integer> {

    /** A training forward pass producing per-exit scores (N, K, h, w). */
    @FunctionalInterface
    public interface Forward {

        /**
         * Runs the model in training mode.
         *
         * @param ps the parameter store
         * @param images (N, C, H, W)
         * @return per-exit scores
         */
        NDList forward(ParameterStore ps, NDArray images);
    }

    private final DenseDataset train;
    private final DenseDataset test;
    private final int batch;
    private final int evalBatch;
    private final Forward forward;

    private DensePredictionTask(Builder b) {
        this.train = b.train;
        this.test = b.test;
        this.batch = b.batch;
        this.evalBatch = b.evalBatch;
        this.forward = b.forward;
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
     * Cross-entropy of every exit (weight 1, Eq. 2.1) against per-pixel labels; scores are
     * bilinearly upsampled to the label size.
     *
     * @param exits per-exit scores (N, K, h, w)
     * @param labels (N, H, W) int64
     * @return the summed loss
     */
    public static NDArray loss(NDList exits, NDArray labels) {
        Shape ls = labels.getShape();
        NDArray total = null;
        for (NDArray logits : exits) {
            int k = (int) logits.getShape().get(1);
            NDArray up = ExitHead.resize(logits, ls.get(1), ls.get(2));
            NDArray logp = up.logSoftmax(1);
            NDArray onehot = labels.oneHot(k).transpose(0, 3, 1, 2);
            NDArray ce = logp.mul(onehot).sum(new int[] {1}).mean().neg();
            total = total == null ? ce : total.add(ce);
        }
        return total;
    }

    @Override
    public void checkModel(Block model) {
        if (!model.isInitialized()) {
            throw new IllegalArgumentException("initialize the model before training it");
        }
    }

    @Override
    public int channels() {
        return train.channels();
    }

    @Override
    public int batchesPerEpoch() {
        return train.size() / batch;
    }

    @Override
    public Iterator<Integer> epoch(int epoch) {
        int batches = batchesPerEpoch();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public Integer next() {
                if (next >= batches) {
                    throw new NoSuchElementException();
                }
                return next++;
            }
        };
    }

    @Override
    public Step forward(Block model, ParameterStore ps, Integer index, NDManager manager) {
        NDArray[] xy = train.batch(manager, index * batch, (index + 1) * batch);
        NDList outs =
                forward != null
                        ? forward.forward(ps, xy[0])
                        : model.forward(ps, new NDList(xy[0]), true);
        return new Step(outs, xy[1], loss(outs, xy[1]), batch);
    }

    @Override
    public double metricSum(Step step) {
        NDArray last = step.outputs().get(step.outputs().size() - 1);
        Shape ls = step.labels().getShape();
        NDArray pred = ExitHead.resize(last, ls.get(1), ls.get(2)).argMax(1);
        double pixels = ls.get(1) * ls.get(2);
        return pred.eq(step.labels()).toType(DataType.FLOAT64, false).sum().getDouble() / pixels;
    }

    @Override
    public Evaluation evaluate(Block model, NDManager manager) {
        if (test == null) {
            return Evaluation.NONE;
        }
        boolean recording = Autograd.isRecording();
        Autograd.setRecording(false);
        try {
            ParameterStore ps = new ParameterStore(manager, false);
            SegmentationMetrics metrics = new SegmentationMetrics(test.numClasses());
            double lossSum = 0;
            int seen = 0;
            for (int from = 0; from + evalBatch <= test.size(); from += evalBatch) {
                try (NDManager sub = manager.newSubManager()) {
                    NDArray[] xy = test.batch(sub, from, from + evalBatch);
                    NDList outs = model.forward(ps, new NDList(xy[0]), false);
                    lossSum += loss(outs, xy[1]).getFloat() * evalBatch;
                    Shape ls = xy[1].getShape();
                    NDArray last = outs.get(outs.size() - 1);
                    metrics.update(ExitHead.resize(last, ls.get(1), ls.get(2)).argMax(1), xy[1]);
                    seen += evalBatch;
                }
            }
            return new Evaluation(lossSum / seen, metrics.meanIoU() / 100);
        } finally {
            Autograd.setRecording(recording);
        }
    }

    @Override
    public void close() {}

    /** Builds a {@link DensePredictionTask}. */
    public static final class Builder {

        private DenseDataset train;
        private DenseDataset test;
        private int batch;
        private int evalBatch = 16;
        private Forward forward;

        private Builder() {}

        /**
         * Sets the training images (required).
         *
         * @param train the images
         * @return this builder
         */
        public Builder setTrainData(DenseDataset train) {
            this.train = train;
            return this;
        }

        /**
         * Sets the training batch (required).
         *
         * @param batch at least 1 and at most the training images
         * @return this builder
         */
        public Builder setBatch(int batch) {
            this.batch = batch;
            return this;
        }

        /**
         * Sets held-out images evaluated after every epoch (default none).
         *
         * @param test the images or null
         * @return this builder
         */
        public Builder optTestData(DenseDataset test) {
            this.test = test;
            return this;
        }

        /**
         * Sets the evaluation batch (default 16).
         *
         * @param evalBatch at least 1 and at most the held-out images
         * @return this builder
         */
        public Builder optEvalBatch(int evalBatch) {
            this.evalBatch = evalBatch;
            return this;
        }

        /**
         * Replaces the training forward pass (default: the model's {@code forward} in training
         * mode).
         *
         * @param forward the pass
         * @return this builder
         */
        public Builder optForward(Forward forward) {
            this.forward = forward;
            return this;
        }

        /**
         * Validates and builds the task.
         *
         * @return the task
         * @throws IllegalArgumentException naming the invalid value and its allowed range
         */
        public DensePredictionTask build() {
            Objects.requireNonNull(train, "training data must be set");
            if (batch < 1 || batch > train.size()) {
                throw new IllegalArgumentException(
                        "batch must be in [1, "
                                + train.size()
                                + "] (the training images) but was "
                                + batch);
            }
            if (test != null && (evalBatch < 1 || evalBatch > test.size())) {
                throw new IllegalArgumentException(
                        "eval batch must be in [1, "
                                + test.size()
                                + "] (the held-out images) but was "
                                + evalBatch);
            }
            return new DensePredictionTask(this);
        }
    }
}
