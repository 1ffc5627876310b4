package io.github.fastvision.spark;

import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * A Spark ML {@code Transformer} that adds each image's embedding (the model's pooled pre-logits
 * features) as an {@code org.apache.spark.ml.linalg.Vector}, ready for MLlib estimators such as
 * {@code LogisticRegression}, and an error column. It saves and loads with the {@code Pipeline}
 * holding it; the weights stay a path.
 *
 * <pre>{@code
 * FastVisionImageFeaturizer features = new FastVisionImageFeaturizer()
 *         .setModel("fasternet_t0").setWeights("/models/fasternet_t0.fvw").setInputCol("image");
 * Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {features, logisticRegression});
 * }</pre>
 */
public final class FastVisionImageFeaturizer
        extends FastVisionImageStage<FastVisionImageFeaturizer> {

    private static final long serialVersionUID = 1L;

    private final Param<String> outputCol;

    /** Creates the stage with a fresh uid. */
    public FastVisionImageFeaturizer() {
        this(Identifiable$.MODULE$.randomUID("fastVisionImageFeaturizer"));
    }

    /**
     * Creates the stage with a given uid (what loading a saved pipeline calls).
     *
     * @param uid the stage's unique id
     */
    public FastVisionImageFeaturizer(String uid) {
        super(uid);
        outputCol = new Param<>(this, "outputCol", "the embedding column (a Vector)");
        setDefault(outputCol, "features");
    }

    /**
     * The embedding column parameter.
     *
     * @return the param
     */
    public Param<String> outputCol() {
        return outputCol;
    }

    /**
     * Sets the embedding column (default {@code features}, what MLlib estimators read).
     *
     * @param value the column name
     * @return this stage
     */
    public FastVisionImageFeaturizer setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    @Override
    ModelSpec.Kind kind() {
        return ModelSpec.Kind.EMBEDDER;
    }

    @Override
    int topKValue() {
        return 1;
    }

    @Override
    List<StructField> addedFields() {
        return List.of(DataTypes.createStructField($(outputCol), SQLDataTypes.VectorType(), true));
    }

    @Override
    public FastVisionImageFeaturizer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /**
     * Returns the reader a saved pipeline uses.
     *
     * @return the reader
     */
    public static MLReader<FastVisionImageFeaturizer> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * Loads a stage saved with {@code write().save(path)}.
     *
     * @param path the directory
     * @return the stage
     */
    public static FastVisionImageFeaturizer load(String path) {
        return read().load(path);
    }
}
