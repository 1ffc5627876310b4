package io.github.fastvision.spark;

import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.runtime.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * A zoo model applied to a Spark DataFrame of images: {@link #predict} adds the top classes, {@link
 * #embed} the pooled features, as new columns. The input is Spark's {@code binaryFile} source
 * ({@code path} and {@code content} columns) or any DataFrame with a column of image bytes or of
 * paths every executor can read (local paths, {@code file:} URIs or any Hadoop file system's). A
 * path is read on the executor with a size bound ({@link Builder#optMaxFileBytes}): a larger file,
 * an empty one, a directory, FIFO, device or dangling link is an error row, not a read.
 *
 * <p>Each executor JVM loads the model once (for its first task) and keeps it for later tasks and
 * jobs; the weights travel by path or as a broadcast ({@link WeightsShipping}). A partition is run
 * in batches: decoding (subsampled towards the model's input side) and preprocessing per row, so a
 * batch holds model-sized inputs only, then one forward pass per batch, whose native memory is
 * freed when the pass returns. A row whose file cannot be read, decoded or preprocessed (an extreme
 * aspect ratio) gets a message naming it in the {@code error} column and nulls in the result
 * columns instead of failing the job.
 *
 * <p>Columns added by {@link #predict}: {@code class} (string), {@code probability} (double),
 * {@code top_k} (array of struct {@code class}, {@code probability}), {@code error} (string, null
 * when fine). By {@link #embed}: {@code embedding} (array of float), {@code error}. The content
 * column is dropped; every other input column is kept.
 */
public final class SparkImageModel {

    /** The column names {@link #predict} and {@link #embed} add. */
    public static final String CLASS = "class";

    /** The top-1 probability column. */
    public static final String PROBABILITY = "probability";

    /** The top-K array column. */
    public static final String TOP_K = "top_k";

    /** The embedding column. */
    public static final String EMBEDDING = "embedding";

    /** The per-row error column, null when the row is fine. */
    public static final String ERROR = "error";

    /** The default largest image file read from a path: 256 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 256L << 20;

    /** The largest bound a file size may be given: what one Java array holds. */
    public static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

    private final String model;
    private final Path weights;
    private final WeightsShipping shipping;
    private final int inputSize;
    private final int topK;
    private final int batchSize;
    private final String pathColumn;
    private final String contentColumn;
    private final InferenceEngine engine;
    private final boolean tuneAllocator;
    private final long maxFileBytes;
    private final Precision precision;

    private CollectionAccumulator<ModelLoad> loads;
    private CollectionAccumulator<PartitionMemory> memory;

    private SparkImageModel(Builder b) {
        this.model = b.model;
        this.weights = b.weights;
        this.shipping = b.shipping;
        this.inputSize = b.inputSize;
        this.topK = b.topK;
        this.batchSize = b.batchSize;
        this.pathColumn = b.pathColumn;
        this.contentColumn = b.contentColumn;
        this.engine = b.engine;
        this.tuneAllocator = b.tuneAllocator;
        this.maxFileBytes = b.maxFileBytes;
        this.precision = b.precision;
    }

    /** This model reading each row's {@code path} column on the executor, without content. */
    SparkImageModel readingPaths() {
        Builder b =
                builder()
                        .setModel(model)
                        .optWeights(weights)
                        .optWeightsShipping(shipping)
                        .optInputSize(inputSize)
                        .optTopK(topK)
                        .optBatchSize(batchSize)
                        .optPathColumn("path")
                        .optContentColumn(null)
                        .optEngine(engine)
                        .optTuneAllocator(tuneAllocator)
                        .optMaxFileBytes(maxFileBytes)
                        .optPrecision(precision);
        return new SparkImageModel(b);
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
     * Adds the top classes of each row's image (lazily: Spark runs it with the next action).
     *
     * @param images a DataFrame with the path column and, if configured, the content column
     * @return the input columns but the content, then {@code class}, {@code probability}, {@code
     *     top_k}, {@code error}
     * @throws IOException if broadcast weights cannot be read on the driver
     */
    public Dataset<Row> predict(Dataset<Row> images) throws IOException {
        StructType topEntry =
                new StructType()
                        .add(CLASS, DataTypes.StringType, false)
                        .add(PROBABILITY, DataTypes.DoubleType, false);
        return run(
                images,
                ModelSpec.Kind.CLASSIFIER,
                new StructField[] {
                    DataTypes.createStructField(CLASS, DataTypes.StringType, true),
                    DataTypes.createStructField(PROBABILITY, DataTypes.DoubleType, true),
                    DataTypes.createStructField(
                            TOP_K, DataTypes.createArrayType(topEntry, false), true),
                    DataTypes.createStructField(ERROR, DataTypes.StringType, true)
                });
    }

    /**
     * Adds each row's image embedding: the model's pooled pre-logits features.
     *
     * @param images a DataFrame with the path column and, if configured, the content column
     * @return the input columns but the content, then {@code embedding}, {@code error}
     * @throws IOException if broadcast weights cannot be read on the driver
     */
    public Dataset<Row> embed(Dataset<Row> images) throws IOException {
        return run(
                images,
                ModelSpec.Kind.EMBEDDER,
                new StructField[] {
                    DataTypes.createStructField(
                            EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), true),
                    DataTypes.createStructField(ERROR, DataTypes.StringType, true)
                });
    }

    private Dataset<Row> run(Dataset<Row> images, ModelSpec.Kind kind, StructField[] added)
            throws IOException {
        StructType in = images.schema();
        int path = index(in, pathColumn, contentColumn == null);
        int content = contentColumn == null ? -1 : index(in, contentColumn, true);
        if (path >= 0 && !in.fields()[path].dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException(
                    "path column "
                            + pathColumn
                            + " must be a string but is "
                            + in.fields()[path].dataType().simpleString());
        }
        if (content >= 0 && !in.fields()[content].dataType().equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException(
                    "content column "
                            + contentColumn
                            + " must be binary but is "
                            + in.fields()[content].dataType().simpleString());
        }
        List<StructField> out = new ArrayList<>();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < in.fields().length; i++) {
            if (i != content) {
                kept.add(i);
                out.add(in.fields()[i]);
            }
        }
        for (StructField f : added) {
            if (in.getFieldIndex(f.name()).isDefined() && kept.contains(in.fieldIndex(f.name()))) {
                throw new IllegalArgumentException(
                        "the input already has a column " + f.name() + "; rename or drop it");
            }
            out.add(f);
        }
        StructType schema = new StructType(out.toArray(new StructField[0]));
        PartitionJob job =
                PartitionJob.plan(
                        images,
                        new PartitionJob.Model(
                                kind,
                                model,
                                weights,
                                shipping,
                                inputSize,
                                topK,
                                engine == null ? null : engine.djlName(),
                                precision == null
                                        ? null
                                        : precision.name().toLowerCase(Locale.ROOT),
                                tuneAllocator,
                                batchSize),
                        new PartitionJob.Input(path, content, -1, null, maxFileBytes),
                        kept.stream().mapToInt(Integer::intValue).toArray(),
                        PartitionFunction.Layout.ARRAYS,
                        schema);
        loads = job.loads();
        memory = job.memory();
        return job.result();
    }

    private static int index(StructType schema, String column, boolean required) {
        if (column == null) {
            return -1;
        }
        if (schema.getFieldIndex(column).isEmpty()) {
            if (!required) {
                return -1;
            }
            throw new IllegalArgumentException(
                    "no column "
                            + column
                            + " in the input; it has "
                            + String.join(", ", schema.fieldNames()));
        }
        return schema.fieldIndex(column);
    }

    /**
     * Returns the model loads of the latest {@link #predict} or {@link #embed} job, after its
     * action ran: one per executor JVM that did not have the model yet.
     *
     * @return the loads, empty before a job or when every executor had the model cached
     */
    public List<ModelLoad> modelLoads() {
        return loads == null ? List.of() : List.copyOf(loads.value());
    }

    /**
     * Returns the executors' resident memory after each partition of the latest job, in the order
     * the partitions finished.
     *
     * @return one entry per finished task
     */
    public List<PartitionMemory> partitionMemory() {
        if (memory == null) {
            return List.of();
        }
        List<PartitionMemory> list = new ArrayList<>(memory.value());
        list.sort(Comparator.comparingLong(PartitionMemory::finishedNanos));
        return list;
    }

    /**
     * Closes the models cached in this JVM (in local mode the driver is the executor). Executors of
     * a cluster keep theirs until they exit.
     */
    public static void closeCachedModels() {
        ExecutorModels.closeAll();
    }

    /** Builder of a {@link SparkImageModel}. */
    public static final class Builder {
        private String model;
        private Path weights;
        private WeightsShipping shipping = WeightsShipping.BROADCAST;
        private int inputSize;
        private int topK = 5;
        private int batchSize = 32;
        private String pathColumn = "path";
        private String contentColumn = "content";
        private InferenceEngine engine;
        private boolean tuneAllocator = true;
        private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
        private Precision precision;

        Builder() {}

        /**
         * Sets the precision (default null: {@link Precision#AUTO}, int8 where {@code quantize}
         * wrote an int8 model beside the weights). An int8 model is found beside a weights path, so
         * int8 needs {@link WeightsShipping#PATH}.
         *
         * @param precision the precision, or null
         * @return this builder
         */
        public Builder optPrecision(Precision precision) {
            this.precision = precision;
            return this;
        }

        /**
         * Sets the largest file a path row may name (default {@link #DEFAULT_MAX_FILE_BYTES}); a
         * larger file becomes an error row without being read. Content columns are not bounded
         * here: their bytes are already in memory.
         *
         * @param maxFileBytes 1 to {@link #MAX_FILE_BYTES}
         * @return this builder
         */
        public Builder optMaxFileBytes(long maxFileBytes) {
            this.maxFileBytes = maxFileBytes;
            return this;
        }

        /**
         * Sets the engine the executors run (default null: the model's measured default engine;
         * ONNX Runtime needs {@code fastvision-onnx} on the executors' class path).
         *
         * @param engine the engine, or null
         * @return this builder
         */
        public Builder optEngine(InferenceEngine engine) {
            this.engine = engine;
            return this;
        }

        /**
         * Whether each executor tunes glibc's allocator before loading the model (default true: an
         * executor JVM serves the model and little else, and untuned glibc returns tensor memory to
         * the kernel after every operator; see {@code NativeAllocator}).
         *
         * @param tune false to leave the allocator alone
         * @return this builder
         */
        public Builder optTuneAllocator(boolean tune) {
            this.tuneAllocator = tune;
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
         * Sets the weights (default: none, random initialization, which differs per executor).
         *
         * @param weights a .fvw file or the directory {@code import --out} wrote
         * @return this builder
         */
        public Builder optWeights(Path weights) {
            this.weights = weights;
            return this;
        }

        /**
         * Sets how the weights reach the executors (default {@link WeightsShipping#BROADCAST}).
         *
         * @param shipping by path or broadcast
         * @return this builder
         */
        public Builder optWeightsShipping(WeightsShipping shipping) {
            this.shipping = shipping;
            return this;
        }

        /**
         * Sets the square input side (default 0: the weights' recorded side, else 224).
         *
         * @param inputSize at least 1, or 0
         * @return this builder
         */
        public Builder optInputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        /**
         * Sets how many classes {@code top_k} lists (default 5; at most the class count).
         *
         * @param topK at least 1
         * @return this builder
         */
        public Builder optTopK(int topK) {
            this.topK = topK;
            return this;
        }

        /**
         * Sets the images per forward pass (default 32).
         *
         * @param batchSize 1 to 4096
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets the path column (default {@code path}, as {@code binaryFile} names it): the source
         * named in errors, and the file read when there is no content column.
         *
         * @param pathColumn a string column
         * @return this builder
         */
        public Builder optPathColumn(String pathColumn) {
            this.pathColumn = pathColumn;
            return this;
        }

        /**
         * Sets the column of encoded image bytes (default {@code content}, as {@code binaryFile}
         * names it), or null to read each row's path on the executor instead.
         *
         * @param contentColumn a binary column, or null
         * @return this builder
         */
        public Builder optContentColumn(String contentColumn) {
            this.contentColumn = contentColumn;
            return this;
        }

        /**
         * Checks the values and returns the model description (nothing is loaded on the driver).
         *
         * @return the model
         * @throws IllegalArgumentException naming a missing or out-of-range value
         */
        public SparkImageModel build() {
            if (model == null) {
                throw new IllegalArgumentException("model is required (a zoo name)");
            }
            ModelRegistry.info(model);
            if (shipping == null) {
                throw new IllegalArgumentException(
                        "weightsShipping must be PATH or BROADCAST but was null");
            }
            if (inputSize < 0) {
                throw new IllegalArgumentException(
                        "inputSize must be >= 1 (or 0 for the default) but was " + inputSize);
            }
            if (topK < 1) {
                throw new IllegalArgumentException("topK must be >= 1 but was " + topK);
            }
            if (batchSize < 1 || batchSize > 4096) {
                throw new IllegalArgumentException(
                        "batchSize must be in [1, 4096] but was " + batchSize);
            }
            if (maxFileBytes < 1 || maxFileBytes > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(
                        "maxFileBytes must be in [1, "
                                + MAX_FILE_BYTES
                                + "] but was "
                                + maxFileBytes);
            }
            if (pathColumn == null && contentColumn == null) {
                throw new IllegalArgumentException(
                        "pathColumn and contentColumn are both null; give at least one");
            }
            if (weights != null) {
                WeightsFile.resolve(weights, ModelRegistry.info(model).name());
            }
            return new SparkImageModel(this);
        }
    }
}
