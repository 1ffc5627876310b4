package io.github.fastvision.models.inference;

import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.models.runtime.Precision;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pooled backbone features of images: a classifier's pre-logits vector (its head without the last
 * linear layer: pooling and, where the family has one, the pre-logits projection), or a dense
 * model's last stage averaged over space. Same decoding, preprocessing and engine choice as {@link
 * ClassPredictor} ({@link ModelRuntime}); thread-safe in the same way. Close it to free the model.
 */
public final class Embedder implements AutoCloseable {

    private final ModelRuntime model;
    private final ImageDecoder decoder;

    private Embedder(Builder b) throws IOException {
        this.model =
                ModelRuntime.builder()
                        .setModel(b.model)
                        .optWeights(b.weights)
                        .optInputSize(b.inputSize)
                        .optEngine(b.engine)
                        .optThreads(b.threads)
                        .optBatchHint(b.batchHint)
                        .optPrecision(b.precision)
                        .optFeatures(true)
                        .build();
        this.decoder = b.decoder;
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
     * Returns the feature length.
     *
     * @return values per image
     */
    public int dimension() {
        return model.outputs();
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
     * Returns the decoder of {@link #embedFiles}.
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
     * Embeds a batch of decoded images.
     *
     * @param images the batch, at least one
     * @return one vector of {@link #dimension()} values per image
     */
    public float[][] embed(List<DecodedImage> images) {
        return model.run(images);
    }

    /**
     * Embeds a batch of images in memory.
     *
     * @param images the batch, at least one
     * @return one vector per image
     */
    public float[][] embedImages(List<BufferedImage> images) {
        List<DecodedImage> decoded = new ArrayList<>(images.size());
        for (BufferedImage image : images) {
            decoded.add(ImageDecoder.fromBufferedImage(image));
        }
        return embed(decoded);
    }

    /**
     * Embeds a batch of image files.
     *
     * @param files the batch, at least one
     * @return one vector per file
     * @throws IOException if a file cannot be read
     */
    public float[][] embedFiles(List<Path> files) throws IOException {
        List<DecodedImage> decoded = new ArrayList<>(files.size());
        for (Path f : files) {
            decoded.add(decoder.decode(f));
        }
        return embed(decoded);
    }

    /**
     * Embeds already preprocessed images.
     *
     * @param batch (N, C, size, size) values, see {@link #preprocessor()}
     * @param n the batch size
     * @return one vector per image
     */
    public float[][] embedPreprocessed(float[] batch, int n) {
        return model.run(batch, n);
    }

    /** Frees the model's native memory. */
    @Override
    public void close() {
        model.close();
    }

    /** Builder of an {@link Embedder}. */
    public static final class Builder {
        private String model;
        private Path weights;
        private int inputSize;
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
         * Sets the decoder for files (default {@link ImageDecoder#standard()}).
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
         * @return the embedder
         * @throws IOException if the weights cannot be read
         * @throws IllegalArgumentException naming a missing or out-of-range value
         */
        public Embedder build() throws IOException {
            if (decoder == null) {
                throw new IllegalArgumentException("decoder must not be null");
            }
            return new Embedder(this);
        }
    }
}
