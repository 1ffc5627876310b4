package io.github.fastvision.models.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.runtime.InferenceMode;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A zoo model loaded for inference, shared by {@link ClassPredictor} and {@link Embedder}: the
 * model on the fast path ({@link InferenceMode}), its preprocessing and its weights' header. Each
 * batch's input is created natively in a per-batch sub-manager and filled through the tensor's own
 * memory ({@code toByteBuffer(true)}), so no Java direct buffer (freed only at GC) is made per
 * input; everything of the batch is freed when the sub-manager closes.
 */
final class LoadedModel implements AutoCloseable {

    /** Forward passes are serialized: one model, libtorch's intra-op threads already parallel. */
    private final Object lock = new Object();

    private final NDManager manager;
    private final Backbone model;
    private final ImagePreprocessor preprocessor;
    private final WeightsFile.Header header;
    private final boolean features;
    private final int outputs;
    private final ParameterStore parameters;

    private LoadedModel(
            NDManager manager,
            Backbone model,
            ImagePreprocessor preprocessor,
            WeightsFile.Header header,
            boolean features,
            int outputs) {
        this.manager = manager;
        this.model = model;
        this.preprocessor = preprocessor;
        this.header = header;
        this.features = features;
        this.outputs = outputs;
        this.parameters = new ParameterStore(manager, false);
    }

    /**
     * Loads a model.
     *
     * @param name zoo name or alias
     * @param weights a .fvw file or directory, or null for random initialization
     * @param inputSize the input side, or 0 for the weights' recorded side, else the default
     * @param features true for pooled pre-logits features instead of logits
     * @return the model
     * @throws IOException if the weights cannot be read
     */
    static LoadedModel load(String name, Path weights, int inputSize, boolean features)
            throws IOException {
        if (name == null) {
            throw new IllegalArgumentException("model is required (a zoo name)");
        }
        if (inputSize < 0) {
            throw new IllegalArgumentException(
                    "inputSize must be >= 1 (or 0 for the default) but was " + inputSize);
        }
        ModelInfo info = ModelRegistry.info(name);
        WeightsFile.Header header =
                weights == null
                        ? null
                        : WeightsFile.header(WeightsFile.resolve(weights, info.name()));
        if (!features && info.kind() != ModelInfo.Kind.CLASSIFIER) {
            throw new IllegalArgumentException(
                    info.name() + " is a " + info.kind() + " model, not a classifier; use embed");
        }
        int size =
                inputSize > 0
                        ? inputSize
                        : header != null && header.inputSize().isPresent()
                                ? header.inputSize().get()
                                : ModelOptions.IMAGENET.inputSize();
        ModelOptions options =
                header != null
                        ? header.options(size)
                        : ModelOptions.builder()
                                .setNumClasses(ModelOptions.IMAGENET.numClasses())
                                .optInputSize(size)
                                .build();
        Preprocessing preprocessing = preprocessing(info, header);
        Backbone model = info.create(options);
        int minSize = model.getStages().get(model.getStages().size() - 1).stride();
        if (size < minSize) {
            throw new IllegalArgumentException(
                    "inputSize "
                            + size
                            + " is too small: "
                            + info.name()
                            + " needs at least "
                            + minSize);
        }
        NDManager manager = NDManager.newBaseManager();
        try {
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            if (weights != null) {
                WeightsFile.load(model, manager, weights);
            }
            int outputs;
            if (features && model instanceof VisionModel vm) {
                outputs = vm.getHead().getFeatures();
                vm.resetClassifier(0);
            } else if (features) {
                List<Shape> shapes = model.featureShapes(model.inputShape(1));
                outputs = (int) shapes.get(shapes.size() - 1).get(1);
            } else {
                outputs = options.numClasses();
            }
            InferenceMode.enter(model);
            return new LoadedModel(
                    manager,
                    model,
                    new ImagePreprocessor(preprocessing, size, options.inChannels()),
                    header,
                    features,
                    outputs);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The weights' recorded preprocessing (training records its own), else the family's. */
    private static Preprocessing preprocessing(ModelInfo info, WeightsFile.Header header) {
        String recorded = header == null ? null : header.metadata().get(WeightsFile.PREPROCESSING);
        return recorded != null ? Preprocessing.fromJson(recorded) : info.family().preprocessing();
    }

    Backbone model() {
        return model;
    }

    ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /** The weights' header, or null for random initialization. */
    WeightsFile.Header header() {
        return header;
    }

    /** Values per image: classes for logits, channels for features. */
    int outputs() {
        return outputs;
    }

    /**
     * Preprocesses images straight into a natively created input tensor and runs the model.
     *
     * @param images the batch, at least one
     * @return per image: logits, or pooled features
     */
    float[][] run(List<DecodedImage> images) {
        return run(images.size(), buffer -> images.forEach(i -> preprocessor.apply(i, buffer)));
    }

    /**
     * Runs the model on already preprocessed values.
     *
     * @param batch (N, C, size, size) values
     * @param n the batch size
     * @return per image: logits, or pooled features
     */
    float[][] run(float[] batch, int n) {
        long want = (long) n * preprocessor.floatsPerImage();
        if (n < 1 || batch.length != want) {
            throw new IllegalArgumentException(
                    "expected "
                            + n
                            + " preprocessed images of "
                            + preprocessor.channels()
                            + "x"
                            + preprocessor.size()
                            + "x"
                            + preprocessor.size()
                            + " = "
                            + want
                            + " floats but got "
                            + batch.length);
        }
        return run(n, buffer -> buffer.put(batch));
    }

    private interface Filler {
        void fill(FloatBuffer buffer);
    }

    private float[][] run(int n, Filler filler) {
        if (n < 1) {
            throw new IllegalArgumentException("a batch needs at least one image");
        }
        // PyTorch keeps grad mode per thread: every calling thread turns it off itself.
        Autograd.disable();
        int c = preprocessor.channels();
        int s = preprocessor.size();
        try (NDManager batch = manager.newSubManager()) {
            NDArray x = batch.create(new Shape(n, c, s, s), DataType.FLOAT32);
            filler.fill(x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer());
            float[] flat;
            synchronized (lock) {
                NDArray y;
                if (features && !(model instanceof VisionModel)) {
                    // A dense model has no classifier head: pool its last stage's map.
                    NDList maps = model.forwardFeatures(parameters, x, false);
                    y = maps.get(maps.size() - 1).mean(new int[] {2, 3});
                } else {
                    y = model.forward(parameters, new NDList(x), false).head();
                }
                flat = y.toFloatArray();
            }
            float[][] out = new float[n][outputs];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * outputs, out[i], 0, outputs);
            }
            return out;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
