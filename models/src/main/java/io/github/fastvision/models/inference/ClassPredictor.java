package io.github.fastvision.models.inference;

import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.runtime.ClassNames;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.models.runtime.Precision;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies images with a zoo model: decoding ({@link ImageDecoder}), the model's preprocessing
 * ({@link ImagePreprocessor}: the weights' recorded one, else the family's), a forward pass on the
 * model's engine ({@link ModelRuntime}: its measured default, or the one asked for), softmax and
 * the top-K classes with their names ({@link ClassNames}).
 *
 * <p>Thread-safe: one predictor per JVM serves every thread; preprocessing runs on the calling
 * thread and forward passes take turns. Each batch's native memory is freed when the call returns.
 * Close the predictor to free the model.
 */
public final class ClassPredictor implements AutoCloseable {

    private final ModelRuntime model;
    private final ClassNames names;
    private final int topK;
    private final ImageDecoder decoder;

    private ClassPredictor(Builder b) throws IOException {
        if (b.topK < 1) {
            throw new IllegalArgumentException("topK must be >= 1 but was " + b.topK);
        }
        this.model =
                ModelRuntime.builder()
                        .setModel(b.model)
                        .optWeights(b.weights)
                        .optInputSize(b.inputSize)
                        .optEngine(b.engine)
                        .optThreads(b.threads)
                        .optBatchHint(b.batchHint)
                        .optPrecision(b.precision)
                        .build();
        try {
            int classes = model.outputs();
            ClassNames n = b.names != null ? b.names : model.classNames();
            if (n.size() != classes) {
                throw new IllegalArgumentException(
                        "labels: "
                                + n.size()
                                + " names for a classifier with "
                                + classes
                                + " classes; give exactly one name per class");
            }
            this.names = n;
            this.topK = Math.min(b.topK, classes);
            this.decoder = b.decoder;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
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
     * Returns the class names.
     *
     * @return index order
     */
    public ClassNames classNames() {
        return names;
    }

    /**
     * Returns the preprocessing images go through.
     *
     * @return the preprocessor
     */
    public ImagePreprocessor preprocessor() {
        return model.preprocessor();
    }

    /**
     * Returns the decoder of {@link #predictEncoded} and {@link #predictFiles}.
     *
     * @return the decoder
     */
    public ImageDecoder decoder() {
        return decoder;
    }

    /**
     * Returns the zoo name of the model.
     *
     * @return the canonical name
     */
    public String modelName() {
        return model.info().name();
    }

    /**
     * Returns the runtime that runs the model (its engine, precision and load time).
     *
     * @return the runtime
     */
    public ModelRuntime runtime() {
        return model;
    }

    /**
     * Classifies a batch of decoded images.
     *
     * @param images the batch, at least one
     * @return one prediction per image, in order
     */
    public List<Prediction> predict(List<DecodedImage> images) {
        return top(model.run(images));
    }

    /**
     * Classifies a batch of images in memory.
     *
     * @param images the batch, at least one
     * @return one prediction per image, in order
     */
    public List<Prediction> predictImages(List<BufferedImage> images) {
        List<DecodedImage> decoded = new ArrayList<>(images.size());
        for (BufferedImage image : images) {
            decoded.add(ImageDecoder.fromBufferedImage(image));
        }
        return predict(decoded);
    }

    /**
     * Classifies a batch of encoded images (PNG or JPEG file contents).
     *
     * @param images the batch, at least one
     * @return one prediction per image, in order
     * @throws ImageFormatException naming the batch position of an undecodable image
     */
    public List<Prediction> predictEncoded(List<byte[]> images) {
        List<DecodedImage> decoded = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            decoded.add(decoder.decode(images.get(i), "image " + i + " of the batch"));
        }
        return predict(decoded);
    }

    /**
     * Classifies a batch of image files.
     *
     * @param files the batch, at least one
     * @return one prediction per file, in order
     * @throws IOException if a file cannot be read
     * @throws ImageFormatException naming a file that is not a decodable image
     */
    public List<Prediction> predictFiles(List<Path> files) throws IOException {
        List<DecodedImage> decoded = new ArrayList<>(files.size());
        for (Path f : files) {
            decoded.add(decoder.decode(f));
        }
        return predict(decoded);
    }

    /**
     * Classifies already preprocessed images, e.g. {@link ImagePreprocessor#apply} output or the
     * normalized arrays of a dataset.
     *
     * @param batch (N, C, size, size) values, see {@link #preprocessor()}
     * @param n the batch size
     * @return one prediction per image, in order
     */
    public List<Prediction> predictPreprocessed(float[] batch, int n) {
        return top(model.run(batch, n));
    }

    /**
     * Softmax probabilities of already preprocessed images.
     *
     * @param batch (N, C, size, size) values
     * @param n the batch size
     * @return per image, one probability per class
     */
    public float[][] probabilities(float[] batch, int n) {
        float[][] logits = model.run(batch, n);
        for (float[] row : logits) {
            TopK.softmax(row);
        }
        return logits;
    }

    private List<Prediction> top(float[][] logits) {
        return TopK.of(logits, names, topK);
    }

    /** Frees the model's native memory. */
    @Override
    public void close() {
        model.close();
    }

    /** Builder of a {@link ClassPredictor}. */
    public static final class Builder {
        private String model;
        private Path weights;
        private int inputSize;
        private int topK = 5;
        private ClassNames names;
        private ImageDecoder decoder = ImageDecoder.standard();
        private InferenceEngine engine;
        private int threads;
        private int batchHint = 1;
        private Precision precision = Precision.AUTO;

        Builder() {}

        /**
         * Sets the precision (default auto: int8 where {@code quantize} wrote an int8 model beside
         * the weights), see {@link ModelRuntime.Builder#optPrecision}.
         *
         * @param precision the precision
         * @return this builder
         */
        public Builder optPrecision(Precision precision) {
            this.precision = precision;
            return this;
        }

        /**
         * Sets the batch size calls will mostly have (default 1), see {@link
         * ModelRuntime.Builder#optBatchHint}.
         *
         * @param batch images per call, at least 1
         * @return this builder
         */
        public Builder optBatchHint(int batch) {
            this.batchHint = batch;
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
         * Sets the intra-op threads (default 0: the engine's own choice), see {@link
         * ModelRuntime.Builder#optThreads}.
         *
         * @param threads threads, or 0
         * @return this builder
         */
        public Builder optThreads(int threads) {
            this.threads = threads;
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
         * Sets how many classes a prediction lists (default 5; at most the class count).
         *
         * @param topK at least 1
         * @return this builder
         */
        public Builder optTopK(int topK) {
            this.topK = topK;
            return this;
        }

        /**
         * Sets the class names (default: the weights', else ImageNet-1k's for 1000 classes, else
         * numbered).
         *
         * @param names one per class
         * @return this builder
         */
        public Builder optClassNames(ClassNames names) {
            this.names = names;
            return this;
        }

        /**
         * Sets the decoder for encoded images and files (default {@link ImageDecoder#standard()}).
         *
         * @param decoder the decoder
         * @return this builder
         */
        public Builder optDecoder(ImageDecoder decoder) {
            this.decoder = decoder;
            return this;
        }

        /**
         * Loads the model.
         *
         * @return the predictor
         * @throws IOException if the weights cannot be read
         * @throws IllegalArgumentException naming a missing or out-of-range value
         */
        public ClassPredictor build() throws IOException {
            if (decoder == null) {
                throw new IllegalArgumentException("decoder must not be null");
            }
            return new ClassPredictor(this);
        }
    }
}
