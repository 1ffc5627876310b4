package io.github.fastvision.spark;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Classifies every file under a directory with Spark and writes the predictions as Parquet: the
 * files are read with Spark's {@code binaryFile} source (recursively; a non-image or corrupt file
 * becomes a row with an error), classified by a {@link SparkImageModel}, written to a temporary
 * directory beside the output and renamed to it at the end, so a failed job leaves no partial
 * output. Paths go through Hadoop's file systems: local paths, {@code file:}, {@code hdfs:} and the
 * like.
 */
public final class SparkPredictJob {

    private final String input;
    private final String output;
    private final SparkImageModel model;

    private SparkPredictJob(Builder b) {
        this.input = b.input;
        this.output = b.output;
        this.model = b.model;
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
     * What a job did.
     *
     * @param rows rows written (one per file)
     * @param errors rows with an error instead of a prediction
     * @param seconds wall time of reading, classifying and writing
     * @param output the Parquet directory written
     * @param modelLoads one per executor JVM that loaded the model for this job
     * @param partitionMemory executors' resident memory after each partition, in finishing order
     */
    public record Result(
            long rows,
            long errors,
            double seconds,
            String output,
            List<ModelLoad> modelLoads,
            List<PartitionMemory> partitionMemory) {}

    /**
     * Runs the job.
     *
     * @param spark the session (its master decides where the work runs)
     * @return what it did
     * @throws IOException if the output cannot be written or renamed
     * @throws IllegalArgumentException if the input is missing or the output exists
     */
    public Result run(SparkSession spark) throws IOException {
        org.apache.hadoop.fs.Path in = new org.apache.hadoop.fs.Path(input);
        FileSystem inFs = in.getFileSystem(spark.sparkContext().hadoopConfiguration());
        org.apache.hadoop.fs.Path given = new org.apache.hadoop.fs.Path(output);
        FileSystem fs = given.getFileSystem(spark.sparkContext().hadoopConfiguration());
        // Qualified, so a relative output's temporary directory has a parent to live in.
        org.apache.hadoop.fs.Path out = fs.makeQualified(given);
        if (!inFs.exists(in)) {
            throw new IllegalArgumentException("input " + input + " does not exist");
        }
        if (fs.exists(out)) {
            throw new IllegalArgumentException(
                    "output " + output + " exists; remove it or choose another path");
        }
        // Hidden (dot) name: Spark's file sources skip it, should anything list the parent.
        org.apache.hadoop.fs.Path tmp =
                new org.apache.hadoop.fs.Path(
                        out.getParent(), "." + out.getName() + ".tmp-" + UUID.randomUUID());
        long t0 = System.nanoTime();
        boolean done = false;
        try {
            Dataset<Row> files =
                    spark.read()
                            .format("binaryFile")
                            .option("recursiveFileLookup", "true")
                            .load(input);
            Dataset<Row> predictions =
                    model.predict(files)
                            .select(
                                    "path",
                                    SparkImageModel.CLASS,
                                    SparkImageModel.PROBABILITY,
                                    SparkImageModel.TOP_K,
                                    SparkImageModel.ERROR);
            predictions.write().parquet(tmp.toString());
            if (!fs.rename(tmp, out)) {
                throw new IOException("cannot rename " + tmp + " to " + out);
            }
            done = true;
        } finally {
            if (!done) {
                fs.delete(tmp, true);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        // Counted from the written files: cheap, and no second inference pass.
        Dataset<Row> written = spark.read().parquet(out.toString());
        long rows = written.count();
        long errors = written.filter(functions.col(SparkImageModel.ERROR).isNotNull()).count();
        return new Result(
                rows, errors, seconds, out.toString(), model.modelLoads(), model.partitionMemory());
    }

    /**
     * Runs the job in a session of this JVM: the one {@code spark-submit} configured (its {@code
     * spark.master}) when {@code master} is null, else one on {@code master}. A local master binds
     * to 127.0.0.1 and starts no web UI. The session is stopped at the end, and in local mode the
     * models cached in this JVM are closed. Callers need no Spark types (the CLI has Spark at
     * runtime only).
     *
     * @param master a Spark master URL such as {@code local[4]}, or null
     * @return what it did
     * @throws IOException if the output cannot be written or renamed
     */
    public Result runWithMaster(String master) throws IOException {
        SparkSession.Builder builder = SparkSession.builder().appName("fastvision spark-predict");
        String effective = master != null ? master : System.getProperty("spark.master", "local[*]");
        builder.master(effective);
        boolean local = effective.startsWith("local");
        if (local) {
            builder.config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.ui.enabled", "false");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            return run(spark);
        } finally {
            spark.stop();
            if (local) {
                SparkImageModel.closeCachedModels();
            }
        }
    }

    /** Builder of a {@link SparkPredictJob}. */
    public static final class Builder {
        private String input;
        private String output;
        private SparkImageModel model;

        Builder() {}

        /**
         * Sets the input directory (required), walked recursively.
         *
         * @param input a local path or Hadoop URI
         * @return this builder
         */
        public Builder setInput(String input) {
            this.input = input;
            return this;
        }

        /**
         * Sets the output Parquet directory (required; must not exist).
         *
         * @param output a local path or Hadoop URI
         * @return this builder
         */
        public Builder setOutput(String output) {
            this.output = output;
            return this;
        }

        /**
         * Sets the model (required).
         *
         * @param model the model with its batch size, top-K and weights
         * @return this builder
         */
        public Builder setModel(SparkImageModel model) {
            this.model = model;
            return this;
        }

        /**
         * Checks the values.
         *
         * @return the job
         * @throws IllegalArgumentException naming a missing value
         */
        public SparkPredictJob build() {
            if (input == null || input.isBlank()) {
                throw new IllegalArgumentException("input is required (a directory of images)");
            }
            if (output == null || output.isBlank()) {
                throw new IllegalArgumentException("output is required (a Parquet directory)");
            }
            if (model == null) {
                throw new IllegalArgumentException("model is required (a SparkImageModel)");
            }
            return new SparkPredictJob(this);
        }
    }
}
