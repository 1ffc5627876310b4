package io.github.fastvision.models.runtime;

import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.io.WeightsFile;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A zoo model loaded for inference on one engine: what every door ({@code predict}, {@code embed},
 * {@code run}, {@code bench}, {@code Criteria}, Spark) runs. It reads the weights' header (classes,
 * channels, input size, widths, preprocessing, class names), picks the engine (the one asked for,
 * else the model's measured default, see {@link Engines#choose}) and turns batches of images into
 * logits or pooled features. Thread-safe; close it to free the engine's memory.
 */
public final class ModelRuntime implements AutoCloseable {

    private final ModelInfo info;
    private final WeightsFile.Header header;
    private final ModelOptions options;
    private final ImagePreprocessor preprocessor;
    private final InferenceEngine engine;
    private final boolean features;
    private final EngineSession session;
    private final double loadSeconds;

    private ModelRuntime(Builder b) throws IOException {
        long start = System.nanoTime();
        if (b.model == null) {
            throw new IllegalArgumentException("model is required (a zoo name)");
        }
        requireNonNegative("inputSize", b.inputSize);
        requireNonNegative("numClasses", b.numClasses);
        requireNonNegative("inChannels", b.inChannels);
        requireNonNegative("threads", b.threads);
        info = ModelRegistry.info(b.model);
        features = b.features;
        if (!features && info.kind() != ModelInfo.Kind.CLASSIFIER) {
            throw new IllegalArgumentException(
                    info.name() + " is a " + info.kind() + " model, not a classifier; use embed");
        }
        Path weights = b.weights == null ? null : WeightsFile.resolve(b.weights, info.name());
        header = weights == null ? null : WeightsFile.header(weights);
        options = options(b);
        Backbone shape = info.create(options);
        int minSize = shape.getStages().get(shape.getStages().size() - 1).stride();
        if (options.inputSize() < minSize) {
            throw new IllegalArgumentException(
                    "inputSize "
                            + options.inputSize()
                            + " is too small: "
                            + info.name()
                            + " needs at least "
                            + minSize
                            + "x"
                            + minSize);
        }
        preprocessor =
                new ImagePreprocessor(
                        preprocessing(info, header), options.inputSize(), options.inChannels());
        Path int8 =
                weights == null || b.precision == Precision.FP32
                        ? null
                        : RuntimeRequest.int8Model(weights, features);
        if (int8 != null && !Files.isRegularFile(int8)) {
            if (b.precision == Precision.INT8) {
                throw new IllegalArgumentException(
                        "precision int8 needs "
                                + int8
                                + " beside the weights; write it with `fastvision quantize`");
            }
            int8 = null;
        }
        if (int8 != null && b.engine == InferenceEngine.PYTORCH) {
            if (b.precision == Precision.INT8) {
                throw new EngineUnavailableException(
                        "int8 models run on OnnxRuntime only; "
                                + info.name()
                                + " was asked to run on PyTorch");
            }
            int8 = null;
        }
        // An int8 model runs on ONNX Runtime, the one engine with its integer kernels.
        engine =
                int8 != null
                        ? InferenceEngine.ONNX_RUNTIME
                        : Engines.choose(info.name(), b.engine, b.batch);
        session =
                Engines.provider(engine, info.name())
                        .open(
                                new RuntimeRequest(
                                        info, options, weights, features, b.threads, int8));
        loadSeconds = (System.nanoTime() - start) / 1e9;
    }

    private static void requireNonNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(
                    name + " must be >= 1 (or 0 for the default) but was " + value);
        }
    }

    private ModelOptions options(Builder b) {
        int size =
                b.inputSize > 0
                        ? b.inputSize
                        : header != null && header.inputSize().isPresent()
                                ? header.inputSize().get()
                                : ModelOptions.IMAGENET.inputSize();
        ModelOptions base =
                header != null
                        ? header.options(size)
                        : ModelOptions.builder()
                                .setNumClasses(ModelOptions.IMAGENET.numClasses())
                                .optInputSize(size)
                                .build();
        if (header != null && b.numClasses > 0 && b.numClasses != header.numClasses()) {
            throw new IllegalArgumentException(
                    "numClasses "
                            + b.numClasses
                            + " does not match the weights, which have "
                            + header.numClasses()
                            + " classes");
        }
        if (header != null && b.inChannels > 0 && b.inChannels != header.inChannels()) {
            throw new IllegalArgumentException(
                    "inChannels "
                            + b.inChannels
                            + " does not match the weights, which take "
                            + header.inChannels()
                            + " channels");
        }
        ModelOptions.Builder o =
                ModelOptions.builder()
                        .setNumClasses(b.numClasses > 0 ? b.numClasses : base.numClasses())
                        .optInputSize(size)
                        .optInChannels(b.inChannels > 0 ? b.inChannels : base.inChannels())
                        .optStemStride(base.stemStride())
                        .optWidths(base.widths().orElse(null));
        return o.build();
    }

    /** The weights' recorded preprocessing (training records its own), else the family's. */
    private static Preprocessing preprocessing(ModelInfo info, WeightsFile.Header header) {
        String recorded = header == null ? null : header.metadata().get(WeightsFile.PREPROCESSING);
        return recorded != null ? Preprocessing.fromJson(recorded) : info.family().preprocessing();
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
     * Returns the zoo entry.
     *
     * @return the model's registry entry
     */
    public ModelInfo info() {
        return info;
    }

    /**
     * Returns the options the model was built with.
     *
     * @return classes, channels, input size, stem stride, widths
     */
    public ModelOptions options() {
        return options;
    }

    /**
     * Returns the weights' header.
     *
     * @return the header, or null for random initialization
     */
    public WeightsFile.Header header() {
        return header;
    }

    /**
     * Returns the preprocessing images go through.
     *
     * @return the preprocessor
     */
    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /**
     * Returns the engine that runs the model.
     *
     * @return the engine
     */
    public InferenceEngine engine() {
        return engine;
    }

    /**
     * Returns the precision the engine computes in.
     *
     * @return {@code fp32} or {@code int8}
     */
    public String precision() {
        return session.precision();
    }

    /**
     * Whether the model returns pooled features instead of logits.
     *
     * @return true for features
     */
    public boolean features() {
        return features;
    }

    /**
     * Returns the values per image.
     *
     * @return classes for logits, channels for features
     */
    public int outputs() {
        return session.outputs();
    }

    /**
     * Returns how long loading took: weights read, model built, exported and a session opened.
     *
     * @return seconds
     */
    public double loadSeconds() {
        return loadSeconds;
    }

    /**
     * Returns the class names: the weights', else ImageNet-1k's for 1000 classes, else numbered.
     *
     * @return one name per class
     */
    public ClassNames classNames() {
        return header != null
                ? ClassNames.forWeights(header)
                : ClassNames.forClasses(options.numClasses());
    }

    /**
     * Preprocesses decoded images straight into the engine's input and runs the model.
     *
     * @param images the batch, at least one
     * @return per image: logits, or pooled features
     */
    public float[][] run(List<DecodedImage> images) {
        return run(images.size(), buffer -> images.forEach(i -> preprocessor.apply(i, buffer)));
    }

    /**
     * Runs the model on already preprocessed values.
     *
     * @param batch (N, C, size, size) values
     * @param n the batch size
     * @return per image: logits, or pooled features
     */
    public float[][] run(float[] batch, int n) {
        return rows(runFlat(batch, n), n);
    }

    /**
     * Runs the model on a batch written straight into the engine's input.
     *
     * @param n the batch size, at least 1
     * @param fill writes {@code n} preprocessed images (N, C, size, size) into the buffer
     * @return per image: logits, or pooled features
     */
    public float[][] run(int n, Consumer<FloatBuffer> fill) {
        return rows(runFlat(n, fill), n);
    }

    /**
     * Runs the model on already preprocessed values and returns its output as one row-major array,
     * for callers that need an (N, outputs) tensor rather than rows.
     *
     * @param batch (N, C, size, size) values
     * @param n the batch size
     * @return {@code n * outputs()} values, image after image
     */
    public float[] runFlat(float[] batch, int n) {
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
        return runFlat(n, buffer -> buffer.put(batch));
    }

    /**
     * Runs the model on a batch written straight into the engine's input, output as one array.
     *
     * @param n the batch size, at least 1
     * @param fill writes {@code n} preprocessed images (N, C, size, size) into the buffer
     * @return {@code n * outputs()} values, image after image
     */
    public float[] runFlat(int n, Consumer<FloatBuffer> fill) {
        if (n < 1) {
            throw new IllegalArgumentException("a batch needs at least one image but got " + n);
        }
        return session.run(n, fill);
    }

    private float[][] rows(float[] flat, int n) {
        int outputs = session.outputs();
        float[][] out = new float[n][outputs];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * outputs, out[i], 0, outputs);
        }
        return out;
    }

    /** Frees the engine's memory for this model. */
    @Override
    public void close() {
        session.close();
    }

    /** Builder of a {@link ModelRuntime}. */
    public static final class Builder {
        private String model;
        private Path weights;
        private int inputSize;
        private int numClasses;
        private int inChannels;
        private InferenceEngine engine;
        private boolean features;
        private int threads;
        private int batch = 1;
        private Precision precision = Precision.AUTO;

        Builder() {}

        /**
         * Sets the precision (default {@link Precision#AUTO}: int8 where {@code quantize} wrote an
         * int8 model beside the weights and the engine is not PyTorch, else fp32).
         *
         * @param precision the precision
         * @return this builder
         */
        public Builder optPrecision(Precision precision) {
            this.precision = precision == null ? Precision.AUTO : precision;
            return this;
        }

        /**
         * Sets the batch size the model will mostly run (default 1), which picks the default engine
         * where the engines' speed ranks differently at large batches.
         *
         * @param batch images per call, at least 1
         * @return this builder
         */
        public Builder optBatchHint(int batch) {
            if (batch < 1) {
                throw new IllegalArgumentException("batch hint must be >= 1 but was " + batch);
            }
            this.batch = batch;
            return this;
        }

        /**
         * Sets the zoo model (required).
         *
         * @param model a zoo name or alias
         * @return this builder
         */
        public Builder setModel(String model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the weights (default: none, random initialization).
         *
         * @param weights a .fvw file or the directory {@code import --out} wrote
         * @return this builder
         */
        public Builder optWeights(Path weights) {
            this.weights = weights;
            return this;
        }

        /**
         * Sets the square input side (default 0: the side the weights record, else 224).
         *
         * @param inputSize at least the model's total stride, or 0
         * @return this builder
         */
        public Builder optInputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /**
         * Sets the class count of a randomly initialized model (default 0: the weights', else
         * 1000); with weights it must match theirs.
         *
         * @param numClasses classes, or 0
         * @return this builder
         */
        public Builder optNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /**
         * Sets the image channels of a randomly initialized model (default 0: the weights', else
         * 3); with weights it must match theirs.
         *
         * @param inChannels channels, or 0
         * @return this builder
         */
        public Builder optInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /**
         * Sets the engine (default null: the model's measured default engine).
         *
         * @param engine the engine, or null
         * @return this builder
         */
        public Builder optEngine(InferenceEngine engine) {
            this.engine = engine;
            return this;
        }

        /**
         * Returns pooled pre-logits features instead of logits (default false).
         *
         * @param features true for features
         * @return this builder
         */
        public Builder optFeatures(boolean features) {
            this.features = features;
            return this;
        }

        /**
         * Sets the intra-op threads (default 0: the engine's own choice). ONNX Runtime sets them
         * per model; libtorch has one pool per process, which this sets.
         *
         * @param threads threads, or 0
         * @return this builder
         */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Loads the model.
         *
         * @return the runtime
         * @throws IOException if the weights cannot be read
         * @throws IllegalArgumentException naming a missing or out-of-range value
         * @throws EngineUnavailableException when the engine is absent or cannot run the model
         */
        public ModelRuntime build() throws IOException {
            return new ModelRuntime(this);
        }
    }
}
