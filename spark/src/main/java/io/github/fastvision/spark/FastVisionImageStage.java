package io.github.fastvision.spark;

import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.runtime.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What the fastvision ML stages share: the model's parameters, the input column (Spark's {@code
 * image} struct, image bytes such as {@code binaryFile}'s {@code content}, or a path), the schema
 * checks and the partition job. A row whose image cannot be read or decoded gets a message in the
 * error column and nulls in the others; the job goes on.
 *
 * @param <T> the concrete stage, so that setters chain
 */
public abstract class FastVisionImageStage<T extends FastVisionImageStage<T>> extends Transformer
        implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    private final String uid;

    private final Param<String> inputCol;
    private final Param<String> errorCol;
    private final Param<String> model;
    private final Param<String> weights;
    private final Param<String> weightsShipping;
    private final Param<String> engine;
    private final Param<String> precision;
    private final IntParam batchSize;
    private final IntParam inputSize;
    private final LongParam maxFileBytes;

    /**
     * Creates the stage's parameters with their defaults.
     *
     * @param uid the stage's unique id
     */
    protected FastVisionImageStage(String uid) {
        this.uid = uid;
        inputCol =
                new Param<>(
                        this,
                        "inputCol",
                        "the image column: Spark's image struct (spark.read.format(\"image\")),"
                                + " encoded image bytes (binaryFile's content) or a path string");
        errorCol =
                new Param<>(
                        this,
                        "errorCol",
                        "the column of per-row errors (null when the row is fine)");
        model = new Param<>(this, "model", "the zoo model's name or alias (required)");
        weights =
                new Param<>(
                        this,
                        "weights",
                        "path of the .fvw weights file or the directory `fastvision import --out`"
                                + " wrote (required)");
        weightsShipping =
                new Param<>(
                        this,
                        "weightsShipping",
                        "path: executors read the weights path (every node sees it; int8 models"
                                + " beside it are found); broadcast: the driver reads the file and"
                                + " broadcasts its bytes (fp32 only)");
        engine =
                new Param<>(
                        this,
                        "engine",
                        "the engine: auto (the model's measured default), PyTorch or OnnxRuntime");
        precision = new Param<>(this, "precision", "auto, fp32 or int8");
        batchSize =
                new IntParam(
                        this,
                        "batchSize",
                        "images per forward pass, 1 to 4096",
                        ParamValidators.inRange(1, 4096));
        inputSize =
                new IntParam(
                        this,
                        "inputSize",
                        "square input side, 0 for the weights' recorded side (else 224)",
                        ParamValidators.gtEq(0));
        maxFileBytes =
                new LongParam(
                        this,
                        "maxFileBytes",
                        "the largest image file a path row may name; larger ones become error rows",
                        ParamValidators.inRange(1, SparkImageModel.MAX_FILE_BYTES));
        setDefault(inputCol, "image");
        setDefault(errorCol, "error");
        setDefault(weightsShipping, "path");
        setDefault(engine, "auto");
        setDefault(precision, "auto");
        setDefault(batchSize, 32);
        setDefault(inputSize, 0);
        setDefault(maxFileBytes, SparkImageModel.DEFAULT_MAX_FILE_BYTES);
    }

    @Override
    public String uid() {
        return uid;
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    /**
     * The input column parameter.
     *
     * @return the param
     */
    public Param<String> inputCol() {
        return inputCol;
    }

    /**
     * The error column parameter.
     *
     * @return the param
     */
    public Param<String> errorCol() {
        return errorCol;
    }

    /**
     * The model parameter.
     *
     * @return the param
     */
    public Param<String> model() {
        return model;
    }

    /**
     * The weights path parameter.
     *
     * @return the param
     */
    public Param<String> weights() {
        return weights;
    }

    /**
     * The weights shipping parameter.
     *
     * @return the param
     */
    public Param<String> weightsShipping() {
        return weightsShipping;
    }

    /**
     * The engine parameter.
     *
     * @return the param
     */
    public Param<String> engine() {
        return engine;
    }

    /**
     * The precision parameter.
     *
     * @return the param
     */
    public Param<String> precision() {
        return precision;
    }

    /**
     * The batch size parameter.
     *
     * @return the param
     */
    public IntParam batchSize() {
        return batchSize;
    }

    /**
     * The input size parameter.
     *
     * @return the param
     */
    public IntParam inputSize() {
        return inputSize;
    }

    /**
     * The file size bound parameter.
     *
     * @return the param
     */
    public LongParam maxFileBytes() {
        return maxFileBytes;
    }

    /**
     * Sets the input column (default {@code image}).
     *
     * @param value an image struct, binary or string column
     * @return this stage
     */
    public T setInputCol(String value) {
        set(inputCol, value);
        return self();
    }

    /**
     * Sets the error column (default {@code error}).
     *
     * @param value the column name
     * @return this stage
     */
    public T setErrorCol(String value) {
        set(errorCol, value);
        return self();
    }

    /**
     * Sets the zoo model (required).
     *
     * @param value a zoo name or alias
     * @return this stage
     */
    public T setModel(String value) {
        set(model, value);
        return self();
    }

    /**
     * Sets the weights path (required).
     *
     * @param value a .fvw file or an import directory
     * @return this stage
     */
    public T setWeights(String value) {
        set(weights, value);
        return self();
    }

    /**
     * Sets how the weights reach the executors (default {@code path}).
     *
     * @param value {@code path} or {@code broadcast}
     * @return this stage
     */
    public T setWeightsShipping(String value) {
        set(weightsShipping, value);
        return self();
    }

    /**
     * Sets the engine (default {@code auto}).
     *
     * @param value {@code auto}, {@code PyTorch} or {@code OnnxRuntime}
     * @return this stage
     */
    public T setEngine(String value) {
        set(engine, value);
        return self();
    }

    /**
     * Sets the precision (default {@code auto}: int8 where {@code quantize} wrote an int8 model
     * beside the weights).
     *
     * @param value {@code auto}, {@code fp32} or {@code int8}
     * @return this stage
     */
    public T setPrecision(String value) {
        set(precision, value);
        return self();
    }

    /**
     * Sets the images per forward pass (default 32).
     *
     * @param value 1 to 4096
     * @return this stage
     */
    public T setBatchSize(int value) {
        set(batchSize, value);
        return self();
    }

    /**
     * Sets the square input side (default 0: the weights' recorded side, else 224).
     *
     * @param value at least 0
     * @return this stage
     */
    public T setInputSize(int value) {
        set(inputSize, value);
        return self();
    }

    /**
     * Sets the largest image file a path row may name (default 256 MiB).
     *
     * @param value at least 1
     * @return this stage
     */
    public T setMaxFileBytes(long value) {
        set(maxFileBytes, value);
        return self();
    }

    /** The value of an int parameter (Spark types them as {@code Param<Object>} in Java). */
    final int intValue(IntParam param) {
        return ((Number) getOrDefault(param)).intValue();
    }

    private long longValue(LongParam param) {
        return ((Number) getOrDefault(param)).longValue();
    }

    /** What the partitions compute. */
    abstract ModelSpec.Kind kind();

    /** The classes per prediction (classifier), else 1. */
    abstract int topKValue();

    /** The columns the stage adds, before the error column. */
    abstract List<StructField> addedFields();

    /**
     * Checks the parameters and the input column without running anything; each problem names the
     * parameter to change.
     *
     * @param schema the input schema
     * @return the input columns followed by the added ones
     * @throws IllegalArgumentException naming the parameter and what it expects
     */
    @Override
    public StructType transformSchema(StructType schema) {
        ModelInfo info = modelInfo();
        inputKind(schema);
        String shipping = shipping();
        Precision p = parsePrecision();
        parseEngine();
        if (p == Precision.INT8 && shipping.equals("broadcast")) {
            throw new IllegalArgumentException(
                    "precision int8 needs weightsShipping=path: the int8 model is read beside the"
                            + " weights path on each executor");
        }
        checkWeights(info, shipping);
        List<StructField> fields = new ArrayList<>(List.of(schema.fields()));
        List<StructField> added = new ArrayList<>(addedFields());
        added.add(DataTypes.createStructField($(errorCol), DataTypes.StringType, true));
        List<String> names = new ArrayList<>();
        for (StructField f : added) {
            if (schema.getFieldIndex(f.name()).isDefined()) {
                throw new IllegalArgumentException(
                        "output column "
                                + f.name()
                                + " already exists in the input; set another name or drop it");
            }
            if (names.contains(f.name())) {
                throw new IllegalArgumentException(
                        "two output columns are both named "
                                + f.name()
                                + "; give them distinct names");
            }
            names.add(f.name());
        }
        fields.addAll(added);
        return new StructType(fields.toArray(new StructField[0]));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        int input = in.fieldIndex($(inputCol));
        InputKind kind = inputKind(in);
        PartitionJob.Input columns;
        switch (kind) {
            case IMAGE -> {
                StructType image = (StructType) in.fields()[input].dataType();
                int[] fields = new int[PartitionFunction.IMAGE_FIELDS.length];
                for (int i = 0; i < fields.length; i++) {
                    fields[i] = image.fieldIndex(PartitionFunction.IMAGE_FIELDS[i]);
                }
                columns = new PartitionJob.Input(-1, -1, input, fields, longValue(maxFileBytes));
            }
            case BYTES -> {
                // A binaryFile source's path names the row in errors.
                int path =
                        in.getFieldIndex("path").isDefined()
                                        && in.apply("path").dataType() == DataTypes.StringType
                                ? in.fieldIndex("path")
                                : -1;
                columns = new PartitionJob.Input(path, input, -1, null, longValue(maxFileBytes));
            }
            default ->
                    columns = new PartitionJob.Input(input, -1, -1, null, longValue(maxFileBytes));
        }
        int[] kept = new int[in.fields().length];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = i;
        }
        InferenceEngine e = parseEngine();
        try {
            return PartitionJob.plan(
                            dataset.toDF(),
                            new PartitionJob.Model(
                                    kind(),
                                    $(model),
                                    Path.of($(weights)),
                                    shipping().equals("path")
                                            ? WeightsShipping.PATH
                                            : WeightsShipping.BROADCAST,
                                    intValue(inputSize),
                                    topKValue(),
                                    e == null ? null : e.djlName(),
                                    parsePrecision().name().toLowerCase(Locale.ROOT),
                                    true,
                                    intValue(batchSize)),
                            columns,
                            kept,
                            PartitionFunction.Layout.VECTORS,
                            out)
                    .result();
        } catch (IOException ex) {
            throw new UncheckedIOException(
                    "weights: cannot read " + $(weights) + ": " + ex.getMessage(), ex);
        }
    }

    /** What the input column holds. */
    enum InputKind {
        IMAGE,
        BYTES,
        PATH
    }

    InputKind inputKind(StructType schema) {
        String col = $(inputCol);
        if (schema.getFieldIndex(col).isEmpty()) {
            throw new IllegalArgumentException(
                    "inputCol: no column "
                            + col
                            + " in the input; it has "
                            + String.join(", ", schema.fieldNames()));
        }
        DataType type = schema.apply(col).dataType();
        if (type == DataTypes.BinaryType) {
            return InputKind.BYTES;
        }
        if (type == DataTypes.StringType) {
            return InputKind.PATH;
        }
        if (type instanceof StructType struct && isImageStruct(struct)) {
            return InputKind.IMAGE;
        }
        throw new IllegalArgumentException(
                "inputCol: column "
                        + col
                        + " is "
                        + type.simpleString()
                        + "; expected Spark's image struct (spark.read.format(\"image\"): origin,"
                        + " height, width, nChannels, mode, data), binary image bytes or a string"
                        + " path");
    }

    private static boolean isImageStruct(StructType struct) {
        DataType[] types = {
            DataTypes.StringType,
            DataTypes.IntegerType,
            DataTypes.IntegerType,
            DataTypes.IntegerType,
            DataTypes.IntegerType,
            DataTypes.BinaryType
        };
        for (int i = 0; i < types.length; i++) {
            String name = PartitionFunction.IMAGE_FIELDS[i];
            if (struct.getFieldIndex(name).isEmpty()
                    || !struct.apply(name).dataType().equals(types[i])) {
                return false;
            }
        }
        return true;
    }

    ModelInfo modelInfo() {
        if (!isDefined(model)) {
            throw new IllegalArgumentException("model is not set; setModel(a zoo model name)");
        }
        try {
            return ModelRegistry.info($(model));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model: " + e.getMessage(), e);
        }
    }

    private String shipping() {
        String s = $(weightsShipping).trim().toLowerCase(Locale.ROOT);
        if (!s.equals("path") && !s.equals("broadcast")) {
            throw new IllegalArgumentException(
                    "weightsShipping must be path or broadcast but was '"
                            + $(weightsShipping)
                            + "'");
        }
        return s;
    }

    private Precision parsePrecision() {
        return Precision.parse($(precision));
    }

    private InferenceEngine parseEngine() {
        String e = $(engine).trim();
        if (e.equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return InferenceEngine.parse(e);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("engine: " + ex.getMessage(), ex);
        }
    }

    /**
     * Checks the weights on the driver: a broadcast file must be readable here; a path the driver
     * sees must belong to the model (a path only the executors see is checked by the first task).
     */
    private void checkWeights(ModelInfo info, String shipping) {
        if (!isDefined(weights)) {
            throw new IllegalArgumentException(
                    "weights is not set; setWeights(a .fvw file or an import directory): without"
                            + " weights each executor would initialize the model at random");
        }
        Path path = Path.of($(weights));
        if (!Files.exists(path) && shipping.equals("path")) {
            return;
        }
        WeightsFile.Header header;
        try {
            Path file = WeightsFile.resolve(path, info.name());
            header = WeightsFile.header(file);
            if (!header.model().equals(info.name())) {
                throw new IllegalArgumentException(
                        file + " holds " + header.model() + ", not " + info.name());
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "weights: "
                            + $(weights)
                            + " do not fit model "
                            + info.name()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        if (kind() == ModelSpec.Kind.CLASSIFIER && topKValue() > header.numClasses()) {
            throw new IllegalArgumentException(
                    "topK is "
                            + topKValue()
                            + " but the model has only "
                            + header.numClasses()
                            + " classes");
        }
    }
}
