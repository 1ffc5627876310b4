package io.github.fastvision.training.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.fastvision.training.ClassifierEvaluator;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.data.BatchLoader;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.MixupCutmix;
import io.github.fastvision.training.data.TrainingBatch;
import io.github.fastvision.training.data.transform.Pipeline;
import io.github.fastvision.training.recipe.Recipe;
import java.util.Iterator;

/**
 * Image classification: soft-target cross-entropy (label smoothing, mixup and cutmix from the
 * recipe), training accuracy against the hard labels, and test-set loss and accuracy.
 */
public final class ClassificationTask implements TrainingTask<TrainingBatch> {

    private static final int EVAL_BATCH = 256;

    private final BatchLoader train;
    private final BatchLoader test;
    private final int channels;
    private final int classes;
    private final int size;

    /**
     * Creates the task of a run: augmented, shuffled training batches and plain test batches.
     *
     * @param config the run (recipe, image size, batch, seed)
     * @param data training and test sets
     */
    public ClassificationTask(TrainConfig config, DatasetSplit data) {
        Recipe recipe = config.recipe();
        this.size = config.imageSize();
        this.channels = data.train().channels();
        this.classes = data.train().classes().size();
        MixupCutmix mixer = new MixupCutmix(recipe.mixupAlpha(), recipe.cutmixAlpha());
        this.train =
                BatchLoader.builder()
                        .setData(data.train())
                        .setTransform(
                                Pipeline.trainingBuilder()
                                        .setSize(size)
                                        .optMinScale(recipe.cropMinScale())
                                        .optFlip(recipe.flip())
                                        .optPadCrop(recipe.padCrop())
                                        .setChannels(channels)
                                        .build(),
                                size)
                        .setBatchSize(config.batch())
                        .optTraining(config.seed())
                        .optMixer(mixer)
                        .optLabelSmoothing(recipe.labelSmoothing())
                        .build();
        BatchLoader t;
        try {
            t =
                    BatchLoader.builder()
                            .setData(data.test())
                            .setTransform(Pipeline.evaluation(size, channels), size)
                            .setBatchSize(EVAL_BATCH)
                            .optSeed(config.seed())
                            .build();
        } catch (RuntimeException e) {
            train.close();
            throw e;
        }
        this.test = t;
    }

    @Override
    public void checkModel(Block model) {
        if (!model.isInitialized()) {
            throw new IllegalArgumentException("initialize the model before training it");
        }
        Shape out = model.getOutputShapes(new Shape[] {new Shape(2, channels, size, size)})[0];
        if (out.dimension() != 2 || out.get(1) != classes) {
            throw new IllegalArgumentException(
                    "the model maps (N, "
                            + channels
                            + ", "
                            + size
                            + ", "
                            + size
                            + ") to "
                            + out
                            + " but the dataset has "
                            + classes
                            + " classes: expected (N, "
                            + classes
                            + ")");
        }
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int batchesPerEpoch() {
        return train.batchesPerEpoch();
    }

    @Override
    public Iterator<TrainingBatch> epoch(int epoch) {
        return train.epoch(epoch);
    }

    @Override
    public Step forward(Block model, ParameterStore ps, TrainingBatch batch, NDManager manager) {
        NDArray x = manager.create(batch.images(), new Shape(batch.size(), channels, size, size));
        NDArray targets = manager.create(batch.targets(), new Shape(batch.size(), classes));
        NDArray logits = model.forward(ps, new NDList(x), true).singletonOrThrow();
        NDArray loss = logits.logSoftmax(1).mul(targets).sum(new int[] {1}).neg().mean();
        return new Step(new NDList(logits), manager.create(batch.labels()), loss, batch.size());
    }

    @Override
    public double metricSum(Step step) {
        return step.outputs()
                .singletonOrThrow()
                .argMax(1)
                .toType(DataType.INT32, false)
                .eq(step.labels())
                .sum()
                .getLong();
    }

    @Override
    public Evaluation evaluate(Block model, NDManager manager) {
        ClassifierEvaluator.Result r = ClassifierEvaluator.evaluate(model, manager, test);
        return new Evaluation(r.loss(), r.accuracy());
    }

    @Override
    public void close() {
        try {
            train.close();
        } finally {
            test.close();
        }
    }
}
