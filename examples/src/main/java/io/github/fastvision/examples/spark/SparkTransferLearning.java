package io.github.fastvision.examples.spark;

import io.github.fastvision.spark.FastVisionImageFeaturizer;
import io.github.fastvision.spark.SparkImageModel;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.InMemoryDataset;
import io.github.fastvision.training.loop.ZooTrainer;
import io.github.fastvision.training.recipe.Recipes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Transfer learning with Spark ML: a backbone trained here on Fashion-MNIST becomes a {@link
 * FastVisionImageFeaturizer}, and MLlib's {@code LogisticRegression} learns the classes from its
 * embeddings of Fashion-MNIST PNGs read with Spark's {@code image} source. The fitted {@code
 * PipelineModel} is saved, loaded in a fresh session and must predict the test images identically.
 *
 * <pre>
 * java --add-opens=... -cp 'examples/target/fastvision-examples-0.1.0-SNAPSHOT.jar:examples/target/lib/*' \
 *     io.github.fastvision.examples.spark.SparkTransferLearning --work /tmp/fv-transfer \
 *     --train 6000 --test 1000 --steps 600 --master 'local[2]'
 * </pre>
 */
public final class SparkTransferLearning {

    private SparkTransferLearning() {}

    /**
     * What to run.
     *
     * @param work the working directory (backbone, PNGs, saved pipeline, result)
     * @param trainImages logistic regression's training images (a multiple of 10: balanced)
     * @param testImages test images (a multiple of 10)
     * @param model the backbone's zoo name
     * @param steps the backbone's training steps
     * @param weights existing backbone weights, or null to train them here
     * @param master the Spark master
     * @param precision the featurizer's precision: auto, fp32 or int8
     * @param maxIter logistic regression's iterations
     */
    public record Options(
            Path work,
            int trainImages,
            int testImages,
            String model,
            int steps,
            Path weights,
            String master,
            String precision,
            int maxIter) {}

    /**
     * What it measured.
     *
     * @param trainRows rows logistic regression was fitted on
     * @param testRows test rows predicted
     * @param accuracy accuracy on the test images
     * @param reloadedIdentical whether the reloaded pipeline predicted every test image the same
     * @param backboneSeconds training the backbone (0 when given)
     * @param fitSeconds fitting the pipeline (featurizing included)
     * @param predictSeconds predicting the test images with the fitted pipeline
     * @param pipeline where the pipeline was saved
     */
    public record Result(
            long trainRows,
            long testRows,
            double accuracy,
            boolean reloadedIdentical,
            double backboneSeconds,
            double fitSeconds,
            double predictSeconds,
            String pipeline) {}

    /**
     * Runs the example.
     *
     * @param o the options
     * @return the measurements
     * @throws IOException if the data cannot be read or the files written
     */
    public static Result run(Options o) throws IOException {
        if (o.trainImages() < 10 || o.trainImages() % 10 != 0) {
            throw new IllegalArgumentException(
                    "--train must be a positive multiple of 10 but was " + o.trainImages());
        }
        if (o.testImages() < 10 || o.testImages() % 10 != 0) {
            throw new IllegalArgumentException(
                    "--test must be a positive multiple of 10 but was " + o.testImages());
        }
        DatasetSplit data =
                FashionMnist.isInstalled()
                        ? FashionMnist.load(FashionMnist.DEBIAN_DIR)
                        : FashionMnist.loadBundledSubset();
        InMemoryDataset train =
                ((InMemoryDataset) data.train()).balancedSubset(o.trainImages() / 10);
        InMemoryDataset test = ((InMemoryDataset) data.test()).balancedSubset(o.testImages() / 10);
        if (train.size() < o.trainImages() || test.size() < o.testImages()) {
            throw new IllegalArgumentException(
                    "the Fashion-MNIST data found has only "
                            + train.size()
                            + " training and "
                            + test.size()
                            + " test images for --train "
                            + o.trainImages()
                            + " --test "
                            + o.testImages()
                            + "; install the full set under "
                            + FashionMnist.DEBIAN_DIR);
        }
        Files.createDirectories(o.work());
        Path weights = o.weights();
        double backboneSeconds = 0;
        if (weights == null) {
            long t0 = System.nanoTime();
            weights = o.work().resolve("backbone");
            ZooTrainer.train(
                    TrainConfig.builder()
                            .setModel(o.model())
                            .setRecipe(Recipes.get(Recipes.SMALL))
                            .setEpochs(1)
                            .optMaxSteps(o.steps())
                            .setBatch(64)
                            .setImageSize(32)
                            .optSeed(7)
                            .optOut(weights)
                            .build(),
                    new DatasetSplit(data.train(), test),
                    TrainingLoopListener.NONE);
            backboneSeconds = (System.nanoTime() - t0) / 1e9;
        }
        Path images = o.work().resolve("images");
        // label=N directories: Spark's partition discovery turns them into an int label column.
        writePngs(train, images.resolve("train"));
        writePngs(test, images.resolve("test"));
        Path saved = o.work().resolve("pipeline");

        SparkSession spark = session(o.master());
        PipelineModel fitted;
        List<Row> before;
        long trainRows;
        long testRows;
        double accuracy;
        double fitSeconds;
        double predictSeconds;
        try {
            Dataset<Row> trainDf = read(spark, images.resolve("train"));
            Dataset<Row> testDf = read(spark, images.resolve("test"));
            FastVisionImageFeaturizer features =
                    new FastVisionImageFeaturizer()
                            .setModel(o.model())
                            .setWeights(weights.toAbsolutePath().toString())
                            .setPrecision(o.precision())
                            .setInputCol("image")
                            .setBatchSize(64);
            Pipeline pipeline =
                    new Pipeline()
                            .setStages(
                                    new PipelineStage[] {
                                        features,
                                        // Rows whose image failed carry null features.
                                        new SQLTransformer()
                                                .setStatement(
                                                        "SELECT * FROM __THIS__ WHERE error IS NULL"),
                                        new LogisticRegression()
                                                .setMaxIter(o.maxIter())
                                                .setRegParam(1e-3)
                                    });
            long t0 = System.nanoTime();
            fitted = pipeline.fit(trainDf);
            fitSeconds = (System.nanoTime() - t0) / 1e9;
            trainRows = trainDf.count();
            fitted.write().overwrite().save(saved.toString());
            t0 = System.nanoTime();
            Dataset<Row> predicted = fitted.transform(testDf).cache();
            before = predictions(predicted);
            predictSeconds = (System.nanoTime() - t0) / 1e9;
            testRows = before.size();
            accuracy =
                    new MulticlassClassificationEvaluator()
                            .setMetricName("accuracy")
                            .evaluate(predicted);
        } finally {
            spark.stop();
            SparkImageModel.closeCachedModels();
        }
        // A fresh session and an empty model cache: everything comes from the saved pipeline.
        SparkSession fresh = session(o.master());
        List<Row> after;
        try {
            PipelineModel loaded = PipelineModel.load(saved.toString());
            after = predictions(loaded.transform(read(fresh, images.resolve("test"))));
        } finally {
            fresh.stop();
            SparkImageModel.closeCachedModels();
        }
        Result r =
                new Result(
                        trainRows,
                        testRows,
                        accuracy,
                        before.equals(after),
                        backboneSeconds,
                        fitSeconds,
                        predictSeconds,
                        saved.toString());
        return r;
    }

    /**
     * Reads PNGs with Spark's image source in two partitions per core: the source makes one per 32
     * small files, and each of logistic regression's iterations pays a task per partition.
     */
    private static Dataset<Row> read(SparkSession spark, Path dir) {
        return spark.read()
                .format("image")
                .load(dir.toString())
                .coalesce(2 * spark.sparkContext().defaultParallelism());
    }

    private static List<Row> predictions(Dataset<Row> predicted) {
        return predicted
                .selectExpr("image.origin AS origin", "prediction", "probability")
                .orderBy("origin")
                .collectAsList();
    }

    private static SparkSession session(String master) {
        SparkSession.Builder b = SparkSession.builder().appName("fastvision transfer learning");
        b.master(master);
        if (master.startsWith("local")) {
            b.config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.ui.enabled", "false");
        }
        return b.config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    private static void writePngs(InMemoryDataset data, Path dir) throws IOException {
        for (int i = 0; i < data.size(); i++) {
            Path label = dir.resolve("label=" + data.label(i));
            Files.createDirectories(label);
            data.writePng(i, label.resolve(String.format("%05d.png", i)));
        }
    }

    /**
     * Runs the example from the command line and prints its result as JSON.
     *
     * @param args {@code --work DIR [--train N] [--test N] [--model NAME] [--steps N] [--weights
     *     PATH] [--master URL] [--precision P] [--max-iter N]}
     * @throws IOException if the data cannot be read or the files written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(
                        "expected --option value pairs but got '" + args[i] + "'");
            }
            a.put(args[i].substring(2), args[++i]);
        }
        if (!a.containsKey("work")) {
            throw new IllegalArgumentException("--work DIR is required");
        }
        Options o =
                new Options(
                        Path.of(a.get("work")),
                        Integer.parseInt(a.getOrDefault("train", "6000")),
                        Integer.parseInt(a.getOrDefault("test", "1000")),
                        a.getOrDefault("model", "test_fasternet"),
                        Integer.parseInt(a.getOrDefault("steps", "600")),
                        a.containsKey("weights") ? Path.of(a.get("weights")) : null,
                        a.getOrDefault("master", "local[2]"),
                        a.getOrDefault("precision", "auto"),
                        Integer.parseInt(a.getOrDefault("max-iter", "100")));
        Result r = run(o);
        System.out.println(
                String.format(
                        Locale.ROOT,
                        "{\"train_rows\": %d, \"test_rows\": %d, \"accuracy\": %.4f,"
                                + " \"reloaded_identical\": %b, \"backbone_seconds\": %.1f,"
                                + " \"fit_seconds\": %.1f, \"predict_seconds\": %.1f,"
                                + " \"pipeline\": \"%s\"}",
                        r.trainRows(),
                        r.testRows(),
                        r.accuracy(),
                        r.reloadedIdentical(),
                        r.backboneSeconds(),
                        r.fitSeconds(),
                        r.predictSeconds(),
                        r.pipeline()));
    }
}
