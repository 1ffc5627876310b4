package io.github.fastvision.spark;

import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The driver's side of a partition job, shared by {@link SparkImageModel} and the ML stages: ships
 * the weights (a path, or the file's bytes as one broadcast), the Hadoop settings for path rows and
 * the accumulators, then maps the partitions with {@link PartitionFunction}.
 */
final class PartitionJob {

    /** What the model needs; the spec is completed with the weights' shipping here. */
    record Model(
            ModelSpec.Kind kind,
            String model,
            Path weights,
            WeightsShipping shipping,
            int inputSize,
            int topK,
            String engine,
            String precision,
            boolean tuneAllocator,
            int batch) {}

    /** Which input columns a partition reads. */
    record Input(int path, int content, int image, int[] imageFields, long maxFileBytes) {}

    private final CollectionAccumulator<ModelLoad> loads;
    private final CollectionAccumulator<PartitionMemory> memory;
    private final Dataset<Row> result;

    private PartitionJob(
            Dataset<Row> result,
            CollectionAccumulator<ModelLoad> loads,
            CollectionAccumulator<PartitionMemory> memory) {
        this.result = result;
        this.loads = loads;
        this.memory = memory;
    }

    /**
     * Plans the job (lazily: Spark runs it with the next action).
     *
     * @param images the input
     * @param model the model
     * @param input the columns read
     * @param kept the input columns copied to the output, in order
     * @param layout the added columns' layout
     * @param schema the output schema: the kept columns, then the added ones
     * @return the planned job
     * @throws IOException if broadcast weights cannot be read on the driver
     */
    static PartitionJob plan(
            Dataset<Row> images,
            Model model,
            Input input,
            int[] kept,
            PartitionFunction.Layout layout,
            StructType schema)
            throws IOException {
        SparkSession spark = images.sparkSession();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> broadcast = null;
        String weightsId = null;
        if (model.weights() != null && model.shipping() == WeightsShipping.BROADCAST) {
            Path file =
                    WeightsFile.resolve(model.weights(), ModelRegistry.info(model.model()).name());
            byte[] bytes = Files.readAllBytes(file);
            weightsId = sha256(bytes);
            broadcast = jsc.broadcast(bytes);
        }
        String weightsPath =
                model.weights() != null && model.shipping() == WeightsShipping.PATH
                        ? model.weights().toAbsolutePath().toString()
                        : null;
        ModelSpec spec =
                new ModelSpec(
                        model.kind(),
                        model.model(),
                        weightsPath,
                        broadcast,
                        model.inputSize(),
                        model.topK(),
                        model.engine(),
                        model.precision(),
                        model.tuneAllocator(),
                        model.batch(),
                        weightsId);
        // Executors open non-local paths with the driver's Hadoop settings, as Spark's sources do.
        Broadcast<SerializableConfiguration> hadoop =
                input.path() >= 0 && input.content() < 0 && input.image() < 0
                        ? jsc.broadcast(
                                new SerializableConfiguration(
                                        spark.sparkContext().hadoopConfiguration()))
                        : null;
        CollectionAccumulator<ModelLoad> loads =
                spark.sparkContext().collectionAccumulator("fastvision model loads");
        CollectionAccumulator<PartitionMemory> memory =
                spark.sparkContext().collectionAccumulator("fastvision partition memory");
        Dataset<Row> result =
                images.mapPartitions(
                        new PartitionFunction(
                                spec,
                                model.batch(),
                                input.path(),
                                input.content(),
                                input.image(),
                                input.imageFields(),
                                layout,
                                input.maxFileBytes(),
                                hadoop,
                                kept,
                                loads,
                                memory),
                        Encoders.row(schema));
        return new PartitionJob(result, loads, memory);
    }

    Dataset<Row> result() {
        return result;
    }

    CollectionAccumulator<ModelLoad> loads() {
        return loads;
    }

    CollectionAccumulator<PartitionMemory> memory() {
        return memory;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
