package io.github.fastvision.training.loop;

import ai.djl.engine.Engine;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.training.ClassifierEvaluator;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainResult;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.data.BatchLoader;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.ImageDataset;
import io.github.fastvision.training.data.transform.Normalize;
import io.github.fastvision.training.data.transform.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Training and evaluation of zoo models by name: the model is built for the dataset's classes and
 * channels at the requested input size, trained with a {@link TrainingLoop}, and its final weights
 * (the EMA weights when the recipe averages) are saved as {@code <model>.fvw} next to the
 * checkpoint, which {@code fastvision evaluate --weights DIR} reads.
 */
public final class ZooTrainer {

    private ZooTrainer() {}

    /**
     * Creates the zoo model a run trains.
     *
     * @param config the run
     * @param data the data (classes and channels)
     * @return the model, not yet initialized
     */
    public static VisionModel createModel(TrainConfig config, DatasetSplit data) {
        ModelOptions.Builder options =
                ModelOptions.builder()
                        .setNumClasses(data.train().classes().size())
                        .optInputSize(config.imageSize())
                        .optInChannels(data.train().channels())
                        .optStemStride(config.stemStride());
        if (config.recipe().dropPath() >= 0) {
            options.optDropPath(config.recipe().dropPath());
        }
        return ModelRegistry.create(config.model(), options.build());
    }

    /**
     * Trains a zoo model.
     *
     * @param config the run ({@code model} is a zoo name)
     * @param data training and test sets
     * @param listener progress receiver
     * @return the outcome
     * @throws IOException if files cannot be written
     */
    public static TrainResult train(
            TrainConfig config, DatasetSplit data, TrainingLoopListener listener)
            throws IOException {
        TrainConfig canonical =
                config.toBuilder().setModel(ModelRegistry.info(config.model()).name()).build();
        if (canonical.out() != null) {
            AtomicFiles.checkWritableDirectory(canonical.out());
            AtomicFiles.removeStaleTemporaries(
                    canonical.out(), canonical.model() + WeightsFile.EXTENSION);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) canonical.seed());
            VisionModel model = createModel(canonical, data);
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            TrainResult result = new TrainingLoop(canonical, listener).fit(model, manager, data);
            if (canonical.out() != null) {
                WeightsFile.save(
                        model,
                        canonical.out().resolve(model.getName() + WeightsFile.EXTENSION),
                        metadata(canonical, data));
            }
            return result;
        }
    }

    /**
     * What a trained weights file records for {@code fastvision predict}: the dataset's class
     * names, the input side and the evaluation preprocessing ({@link Pipeline#evaluation}: the
     * whole image resized bilinearly, the channel count's statistics).
     *
     * @param config the run
     * @param data the data it trained on
     * @return the weights file's metadata
     */
    public static Map<String, String> metadata(TrainConfig config, DatasetSplit data) {
        Normalize stats = Normalize.forChannels(data.train().channels());
        Preprocessing evaluation =
                new Preprocessing(1f, Image.Interpolation.BILINEAR, stats.mean(), stats.std());
        return Map.of(
                WeightsFile.CLASS_NAMES,
                String.join("\n", data.train().classes()),
                WeightsFile.INPUT_SIZE,
                Integer.toString(config.imageSize()),
                WeightsFile.PREPROCESSING,
                evaluation.toJson());
    }

    /**
     * Evaluates saved weights on a test set.
     *
     * @param weights a .fvw file or a run directory
     * @param model the zoo name, or null to take it from the weights file
     * @param test the test images
     * @param imageSize input side
     * @return accuracy and loss
     * @throws IOException if the weights cannot be read
     */
    public static ClassifierEvaluator.Result evaluate(
            Path weights, String model, ImageDataset test, int imageSize) throws IOException {
        Path file = resolveWeights(weights, model);
        WeightsFile.Header header = WeightsFile.header(file);
        if (header.numClasses() != test.classes().size()
                || header.inChannels() != test.channels()) {
            throw new IllegalArgumentException(
                    file
                            + " holds a "
                            + header.model()
                            + " for "
                            + header.numClasses()
                            + " classes and "
                            + header.inChannels()
                            + " channel(s), but the dataset has "
                            + test.classes().size()
                            + " classes and "
                            + test.channels()
                            + " channel(s)");
        }
        try (NDManager manager = NDManager.newBaseManager();
                BatchLoader loader =
                        BatchLoader.builder()
                                .setData(test)
                                .setTransform(
                                        Pipeline.evaluation(imageSize, test.channels()), imageSize)
                                .setBatchSize(256)
                                .build()) {
            VisionModel vm = ModelRegistry.create(header.model(), header.options(imageSize));
            WeightsFile.load(vm, manager, file);
            return ClassifierEvaluator.evaluate(vm, manager, loader);
        }
    }

    private static Path resolveWeights(Path weights, String model) {
        if (model != null) {
            return WeightsFile.resolve(weights, ModelRegistry.info(model).name());
        }
        if (Files.isDirectory(weights)) {
            try (Stream<Path> s = Files.list(weights)) {
                List<Path> found =
                        s.filter(p -> p.getFileName().toString().endsWith(WeightsFile.EXTENSION))
                                .toList();
                if (found.size() != 1) {
                    throw new IllegalArgumentException(
                            weights
                                    + " holds "
                                    + found.size()
                                    + " .fvw files; name the model with --model");
                }
                return found.get(0);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "cannot list " + weights + ": " + e.getMessage(), e);
            }
        }
        return WeightsFile.resolve(weights, null);
    }
}
