package io.github.fastvision.spark;

import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@code Transformer} that classifies each image: adds the class index ({@code
 * prediction}, a double as MLlib's evaluators expect), its name ({@code predictedLabel}), the
 * softmax over all classes ({@code probability}, an {@code org.apache.spark.ml.linalg.Vector}), the
 * top classes ({@code topK}: array of struct {@code label}, {@code probability}) and an error
 * column. It saves and loads with the {@code Pipeline} holding it; the weights stay a path.
 */
public final class FastVisionImageClassifier
        extends FastVisionImageStage<FastVisionImageClassifier> {

    private static final long serialVersionUID = 1L;

    private final Param<String> predictionCol;
    private final Param<String> predictedLabelCol;
    private final Param<String> probabilityCol;
    private final Param<String> topKCol;
    private final IntParam topK;

    /** Creates the stage with a fresh uid. */
    public FastVisionImageClassifier() {
        this(Identifiable$.MODULE$.randomUID("fastVisionImageClassifier"));
    }

    /**
     * Creates the stage with a given uid (what loading a saved pipeline calls).
     *
     * @param uid the stage's unique id
     */
    public FastVisionImageClassifier(String uid) {
        super(uid);
        predictionCol = new Param<>(this, "predictionCol", "the best class's index (double)");
        predictedLabelCol =
                new Param<>(this, "predictedLabelCol", "the best class's name (string)");
        probabilityCol =
                new Param<>(this, "probabilityCol", "the softmax over all classes (a Vector)");
        topKCol =
                new Param<>(
                        this,
                        "topKCol",
                        "the top classes, best first (array of struct label, probability)");
        topK =
                new IntParam(
                        this, "topK", "classes in topKCol, at least 1", ParamValidators.gtEq(1));
        setDefault(predictionCol, "prediction");
        setDefault(predictedLabelCol, "predictedLabel");
        setDefault(probabilityCol, "probability");
        setDefault(topKCol, "topK");
        setDefault(topK, 5);
    }

    /**
     * The prediction column parameter.
     *
     * @return the param
     */
    public Param<String> predictionCol() {
        return predictionCol;
    }

    /**
     * The predicted label column parameter.
     *
     * @return the param
     */
    public Param<String> predictedLabelCol() {
        return predictedLabelCol;
    }

    /**
     * The probability column parameter.
     *
     * @return the param
     */
    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    /**
     * The top-k column parameter.
     *
     * @return the param
     */
    public Param<String> topKCol() {
        return topKCol;
    }

    /**
     * The top-k size parameter.
     *
     * @return the param
     */
    public IntParam topK() {
        return topK;
    }

    /**
     * Sets the class index column (default {@code prediction}).
     *
     * @param value the column name
     * @return this stage
     */
    public FastVisionImageClassifier setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /**
     * Sets the class name column (default {@code predictedLabel}).
     *
     * @param value the column name
     * @return this stage
     */
    public FastVisionImageClassifier setPredictedLabelCol(String value) {
        set(predictedLabelCol, value);
        return this;
    }

    /**
     * Sets the probability column (default {@code probability}).
     *
     * @param value the column name
     * @return this stage
     */
    public FastVisionImageClassifier setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    /**
     * Sets the top-k column (default {@code topK}).
     *
     * @param value the column name
     * @return this stage
     */
    public FastVisionImageClassifier setTopKCol(String value) {
        set(topKCol, value);
        return this;
    }

    /**
     * Sets how many classes the top-k column lists (default 5; at most the class count).
     *
     * @param value at least 1
     * @return this stage
     */
    public FastVisionImageClassifier setTopK(int value) {
        set(topK, value);
        return this;
    }

    @Override
    ModelSpec.Kind kind() {
        return ModelSpec.Kind.CLASSIFIER;
    }

    @Override
    int topKValue() {
        return intValue(topK);
    }

    @Override
    List<StructField> addedFields() {
        StructType entry =
                new StructType()
                        .add("label", DataTypes.StringType, false)
                        .add("probability", DataTypes.DoubleType, false);
        return List.of(
                DataTypes.createStructField($(predictionCol), DataTypes.DoubleType, true),
                DataTypes.createStructField($(predictedLabelCol), DataTypes.StringType, true),
                DataTypes.createStructField($(probabilityCol), SQLDataTypes.VectorType(), true),
                DataTypes.createStructField(
                        $(topKCol), DataTypes.createArrayType(entry, false), true));
    }

    @Override
    public FastVisionImageClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /**
     * Returns the reader a saved pipeline uses.
     *
     * @return the reader
     */
    public static MLReader<FastVisionImageClassifier> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * Loads a stage saved with {@code write().save(path)}.
     *
     * @param path the directory
     * @return the stage
     */
    public static FastVisionImageClassifier load(String path) {
        return read().load(path);
    }
}
