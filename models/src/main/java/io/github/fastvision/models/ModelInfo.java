package io.github.fastvision.models;

import io.github.fastvision.models.weights.NameMapping;
import io.github.fastvision.models.weights.Source;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One registry entry: a zoo name, its family, what it predicts, the paper's numbers and how to
 * build it. Families create entries with {@link #builder()}.
 */
public final class ModelInfo {

    /** What a model predicts, and so which subtype of {@link Backbone} it is. */
    public enum Kind {
        /** Image classification: a {@link VisionModel}, logits (N, K). */
        CLASSIFIER,
        /** Dense prediction: a {@link SegmentationModel}, per-pixel scores (N, K, H/r, W/r). */
        SEGMENTATION
    }

    private final String name;
    private final ModelFamily family;
    private final Kind kind;
    private final PaperReference reference;
    private final String note;
    private final String standIn;
    private final Function<ModelOptions, ? extends Backbone> factory;
    private final ModelOptions defaultOptions;

    private ModelInfo(Builder b) {
        this.defaultOptions = b.defaultOptions;
        this.name = b.name;
        this.family = b.family;
        this.kind = b.kind;
        this.reference = b.reference;
        this.note = b.note;
        this.standIn = b.standIn;
        this.factory = b.factory;
    }

    /**
     * Starts an entry.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the zoo name, e.g. "fasternet_t0".
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the family the entry belongs to (its {@link ModelFamily#displayName()} is the zoo
     * table's family column).
     *
     * @return the family
     */
    public ModelFamily family() {
        return family;
    }

    /**
     * Returns what the model predicts.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the paper's printed params/FLOPs.
     *
     * @return the reference, or null (test variants, models without a printed 224 cost)
     */
    public PaperReference reference() {
        return reference;
    }

    /**
     * Returns what a reader of the zoo table should know (e.g. a reconstruction).
     *
     * @return the note, or ""
     */
    public String note() {
        return note;
    }

    /**
     * Returns the tiny test variant of the same family that shares this model's code path (the same
     * blocks, pattern and head), which the contract tests run instead of a large model.
     *
     * @return the stand-in's zoo name, or empty when the family declares none
     */
    public Optional<String> standIn() {
        return Optional.ofNullable(standIn);
    }

    /**
     * Returns the options the model is counted and listed with: ImageNet's (224×224 RGB, 1000
     * classes) unless the family trains it on another benchmark (the CIFAR models: 32×32, 10).
     *
     * @return the options
     */
    public ModelOptions defaultOptions() {
        return defaultOptions;
    }

    /**
     * Builds the model with its default options ({@link #defaultOptions()}).
     *
     * @return an uninitialized model
     */
    public Backbone create() {
        return create(defaultOptions);
    }

    /**
     * Builds the model.
     *
     * @param options the options
     * @return an uninitialized model, a {@link VisionModel} or a {@link SegmentationModel} by
     *     {@link #kind()}
     */
    public Backbone create(ModelOptions options) {
        return factory.apply(options);
    }

    /**
     * Builds a classifier.
     *
     * @param options the options
     * @return an uninitialized model
     * @throws IllegalArgumentException when the entry is not a classifier
     */
    public VisionModel classifier(ModelOptions options) {
        if (kind != Kind.CLASSIFIER) {
            throw new IllegalArgumentException(
                    name
                            + " is a "
                            + kind.name().toLowerCase(Locale.ROOT)
                            + " model, not a classifier: build it with"
                            + " ModelRegistry.segmentation(name, options) or ModelInfo.create(options)");
        }
        return (VisionModel) create(options);
    }

    /**
     * Builds a segmentation model.
     *
     * @param options the options (at least one class)
     * @return an uninitialized model
     * @throws IllegalArgumentException when the entry is not a segmentation model
     */
    public SegmentationModel segmentation(ModelOptions options) {
        if (kind != Kind.SEGMENTATION) {
            throw new IllegalArgumentException(
                    name
                            + " is a "
                            + kind.name().toLowerCase(Locale.ROOT)
                            + " model, not a segmentation model");
        }
        return (SegmentationModel) create(options);
    }

    /**
     * Returns whether this is a tiny test variant rather than a paper model.
     *
     * @return true for "test_*" names
     */
    public boolean isTestVariant() {
        return name.startsWith("test_");
    }

    /**
     * Returns the naming the family's released checkpoints use.
     *
     * @return the family's default source
     */
    public Source defaultSource() {
        return family.defaultSource();
    }

    /**
     * Returns the name table for importing a checkpoint of this model.
     *
     * @param source the checkpoint's naming
     * @return the table
     * @throws IllegalArgumentException listing every family's tables when there is none
     */
    public NameMapping checkpointNames(Source source) {
        return family.checkpointNames(this, source)
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "no "
                                                + source.name().toLowerCase(Locale.ROOT)
                                                + " name table for "
                                                + name
                                                + " (family "
                                                + family.displayName()
                                                + "); available: "
                                                + ModelRegistry.families().stream()
                                                        .filter(
                                                                f ->
                                                                        !f.checkpointSummary()
                                                                                .isEmpty())
                                                        .map(
                                                                f ->
                                                                        f.displayName()
                                                                                + " "
                                                                                + f
                                                                                        .checkpointSummary())
                                                        .collect(Collectors.joining("; "))));
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return name + " (" + family.displayName() + ")";
    }

    /** Collects an entry's values; {@code setX} values are required. */
    public static final class Builder {

        private String name;
        private ModelFamily family;
        private Kind kind;
        private PaperReference reference;
        private String note = "";
        private String standIn;
        private Function<ModelOptions, ? extends Backbone> factory;
        private ModelOptions defaultOptions = ModelOptions.IMAGENET;

        private Builder() {}

        /**
         * Sets the options the zoo table and the paper check count the model with.
         *
         * @param options the options (default {@link ModelOptions#IMAGENET})
         * @return this
         */
        public Builder optDefaultOptions(ModelOptions options) {
            this.defaultOptions = options;
            return this;
        }

        /**
         * Sets the zoo name: lower case, digits and underscores; "test_*" for test variants.
         *
         * @param name the name
         * @return this
         */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /**
         * Sets the family.
         *
         * @param family the family that registers the entry
         * @return this
         */
        public Builder setFamily(ModelFamily family) {
            this.family = family;
            return this;
        }

        /**
         * Sets how to build the entry as a classifier.
         *
         * @param factory builds the model for options
         * @return this
         */
        public Builder setClassifier(Function<ModelOptions, ? extends VisionModel> factory) {
            this.kind = Kind.CLASSIFIER;
            this.factory = factory;
            return this;
        }

        /**
         * Sets how to build the entry as a segmentation model.
         *
         * @param factory builds the model for options
         * @return this
         */
        public Builder setSegmentation(
                Function<ModelOptions, ? extends SegmentationModel> factory) {
            this.kind = Kind.SEGMENTATION;
            this.factory = factory;
            return this;
        }

        /**
         * Sets the paper's printed params/FLOPs.
         *
         * @param reference the reference, or null
         * @return this
         */
        public Builder optReference(PaperReference reference) {
            this.reference = reference;
            return this;
        }

        /**
         * Sets the zoo table's note.
         *
         * @param note the note (default "")
         * @return this
         */
        public Builder optNote(String note) {
            this.note = note;
            return this;
        }

        /**
         * Sets the test variant that the contract tests run instead of this model when it is large.
         *
         * @param testVariant a "test_*" zoo name of the same family
         * @return this
         */
        public Builder optStandIn(String testVariant) {
            this.standIn = testVariant;
            return this;
        }

        /**
         * Validates and builds the entry.
         *
         * @return the entry
         */
        public ModelInfo build() {
            if (name == null || !name.matches("[a-z0-9_.]+")) {
                throw new IllegalArgumentException(
                        "name must be lower case letters, digits, '_' or '.' but was " + name);
            }
            if (family == null) {
                throw new IllegalArgumentException("family must be set for " + name);
            }
            if (factory == null) {
                throw new IllegalArgumentException(
                        "a factory must be set for "
                                + name
                                + " with setClassifier or setSegmentation");
            }
            if (note == null) {
                throw new IllegalArgumentException(
                        "note must not be null for " + name + " (use \"\")");
            }
            if (defaultOptions == null) {
                throw new IllegalArgumentException("defaultOptions must not be null for " + name);
            }
            if (standIn != null && !standIn.startsWith("test_")) {
                throw new IllegalArgumentException(
                        "standIn must be a test_* variant but was " + standIn + " for " + name);
            }
            return new ModelInfo(this);
        }
    }
}
