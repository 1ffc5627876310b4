package io.github.fastvision.spark;

import io.github.fastvision.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies every file under a directory with Spark and writes the predictions as Parquet, one row
 * per file: the driver lists the files, each executor reads its files by path with a size bound
 * ({@link SparkImageModel.Builder#optMaxFileBytes}) and classifies them with a {@link
 * SparkImageModel}. Any bad file (unreadable, empty, too large, not an image, an extreme aspect
 * ratio) is a row with an error, never a failed job or a missing row. The rows are written to a
 * temporary directory beside the output and renamed to it at the end, so a failed job leaves no
 * partial output; a temporary that a killed job left behind is removed by the next job writing the
 * same output.
 *
 * <p>The listing walks the input recursively, in name order, and lists each file once: symbolic
 * links to directories are not followed (so a link loop cannot recurse), links to files are listed
 * as files, and names starting with {@code .} or {@code _} are skipped, as Spark's file sources
 * skip them. A directory that cannot be listed is an error row of its own. Paths go through
 * Hadoop's file systems: local paths, {@code file:}, {@code hdfs:} and the like.
 */
public final class SparkPredictJob {

    private static final Logger LOG = LoggerFactory.getLogger(SparkPredictJob.class);

    /** What follows the output's name in its temporary directory's name, before a UUID. */
    private static final String TEMPORARY = ".tmp-";

    /**
     * Files per partition at most: what Spark's {@code binaryFile} source packs of small files (128
     * MiB splits, 4 MiB open cost each), so a partition of name-ordered files is one batch of 32.
     */
    private static final int FILES_PER_PARTITION = 32;

    /** When this JVM started; only temporaries older than it can belong to a dead job. */
    private static final long PROCESS_START_MILLIS =
            ProcessHandle.current().info().startInstant().orElse(Instant.now()).toEpochMilli();

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
        removeStaleTemporaries(fs, out);
        // Hidden (dot) name: Spark's file sources skip it, should anything list the parent.
        org.apache.hadoop.fs.Path tmp =
                new org.apache.hadoop.fs.Path(
                        out.getParent(), "." + out.getName() + TEMPORARY + UUID.randomUUID());
        SparkImageModel reader = model.readingPaths();
        long t0 = System.nanoTime();
        boolean done = false;
        try {
            Listing listing = list(inFs, inFs.makeQualified(in));
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<List<String>> chunks = chunks(listing.files(), jsc.defaultParallelism());
            JavaRDD<Row> paths =
                    jsc.parallelize(chunks, Math.max(1, chunks.size()))
                            .flatMap(List::iterator)
                            .map(p -> RowFactory.create(p));
            Dataset<Row> files =
                    spark.createDataFrame(
                            paths, new StructType().add("path", DataTypes.StringType, false));
            Dataset<Row> predictions =
                    reader.predict(files)
                            .select(
                                    "path",
                                    SparkImageModel.CLASS,
                                    SparkImageModel.PROBABILITY,
                                    SparkImageModel.TOP_K,
                                    SparkImageModel.ERROR);
            if (!listing.failures().isEmpty()) {
                predictions =
                        predictions.union(
                                spark.createDataFrame(listing.failures(), predictions.schema()));
            }
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
                rows,
                errors,
                seconds,
                out.toString(),
                reader.modelLoads(),
                reader.partitionMemory());
    }

    /**
     * Consecutive runs of files, one per partition: at most {@link #FILES_PER_PARTITION}, fewer
     * when that spreads a small input over every core, as {@code binaryFile} splits it.
     */
    static List<List<String>> chunks(List<String> files, int parallelism) {
        int per =
                Math.max(
                        1,
                        Math.min(
                                FILES_PER_PARTITION,
                                (files.size() + parallelism - 1) / Math.max(1, parallelism)));
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < files.size(); i += per) {
            chunks.add(new ArrayList<>(files.subList(i, Math.min(files.size(), i + per))));
        }
        return chunks;
    }

    /** The files to classify, as qualified URIs, and error rows for what could not be listed. */
    record Listing(List<String> files, List<Row> failures) {}

    /**
     * Lists the files under the input once each, without following links to directories.
     *
     * @param fs the input's file system
     * @param in the qualified input: a directory or one file
     * @return the files in name order, and an error row per directory that could not be listed
     * @throws IOException if the input itself cannot be examined
     */
    static Listing list(FileSystem fs, org.apache.hadoop.fs.Path in) throws IOException {
        List<String> files = new ArrayList<>();
        List<Row> failures = new ArrayList<>();
        if ("file".equals(in.toUri().getScheme())) {
            listLocal(Paths.get(in.toUri()), files, failures);
        } else {
            listHadoop(fs, in, files, failures);
        }
        return new Listing(files, failures);
    }

    private static void listLocal(Path root, List<String> files, List<Row> failures) {
        if (!Files.isDirectory(root)) {
            files.add(uri(root));
            return;
        }
        Deque<Path> dirs = new ArrayDeque<>();
        dirs.push(root);
        List<Path> linkedDirs = new ArrayList<>();
        while (!dirs.isEmpty()) {
            Path dir = dirs.pop();
            List<Path> entries = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
                stream.forEach(entries::add);
            } catch (IOException | DirectoryIteratorException e) {
                failures.add(
                        failure(
                                uri(dir),
                                "cannot list the directory: "
                                        + AtomicFiles.describe(
                                                e instanceof IOException io
                                                        ? io
                                                        : ((DirectoryIteratorException) e)
                                                                .getCause())));
                continue;
            }
            for (Path p : entries) {
                if (hidden(p.getFileName().toString())) {
                    continue;
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    dirs.push(p);
                } else if (Files.isSymbolicLink(p) && Files.isDirectory(p)) {
                    linkedDirs.add(p);
                } else {
                    files.add(uri(p));
                }
            }
        }
        files.sort(null);
        if (!linkedDirs.isEmpty()) {
            LOG.warn(
                    "not following {} symbolic link(s) to directories under {}: {}",
                    linkedDirs.size(),
                    root,
                    linkedDirs.subList(0, Math.min(10, linkedDirs.size())));
        }
    }

    private static void listHadoop(
            FileSystem fs, org.apache.hadoop.fs.Path root, List<String> files, List<Row> failures)
            throws IOException {
        if (!fs.getFileStatus(root).isDirectory()) {
            files.add(root.toString());
            return;
        }
        Deque<org.apache.hadoop.fs.Path> dirs = new ArrayDeque<>();
        dirs.push(root);
        while (!dirs.isEmpty()) {
            org.apache.hadoop.fs.Path dir = dirs.pop();
            FileStatus[] entries;
            try {
                entries = fs.listStatus(dir);
            } catch (IOException e) {
                failures.add(failure(dir.toString(), "cannot list the directory: " + e));
                continue;
            }
            for (FileStatus st : entries) {
                if (hidden(st.getPath().getName())) {
                    continue;
                }
                if (st.isSymlink()) {
                    FileStatus target;
                    try {
                        target = fs.getFileStatus(st.getPath());
                    } catch (IOException e) {
                        // A dangling link: listed, so that its row says why it cannot be read.
                        files.add(st.getPath().toString());
                        continue;
                    }
                    if (!target.isDirectory()) {
                        files.add(st.getPath().toString());
                    }
                } else if (st.isDirectory()) {
                    dirs.push(st.getPath());
                } else {
                    files.add(st.getPath().toString());
                }
            }
        }
        files.sort(null);
    }

    /** Names Spark's file sources skip: hidden files and {@code _SUCCESS}-like markers. */
    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    /** A local path as Spark's file sources write it ({@code file:/dir/a%20b.png}). */
    private static String uri(Path p) {
        return new org.apache.hadoop.fs.Path(p.toAbsolutePath().toUri()).toUri().toString();
    }

    private static Row failure(String path, String error) {
        return RowFactory.create(path, null, null, null, path + ": " + error);
    }

    /**
     * Removes the temporary directories of earlier jobs writing the same output that were killed
     * before they could clean up: names {@code .<output>.tmp-<uuid>} beside it, last modified
     * before this JVM started, so no job of this JVM is touched. A job of another process writing
     * the same output at the same time would lose its temporary and fail, as it would lose the race
     * for the output anyway.
     *
     * @param fs the output's file system
     * @param out the qualified output
     * @return how many were removed
     * @throws IOException if the output's directory cannot be listed or one cannot be removed
     */
    static int removeStaleTemporaries(FileSystem fs, org.apache.hadoop.fs.Path out)
            throws IOException {
        org.apache.hadoop.fs.Path parent = out.getParent();
        if (parent == null || !fs.exists(parent)) {
            return 0;
        }
        Pattern name =
                Pattern.compile(
                        Pattern.quote("." + out.getName() + TEMPORARY)
                                + "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        int removed = 0;
        for (FileStatus st : fs.listStatus(parent, p -> name.matcher(p.getName()).matches())) {
            if (st.getModificationTime() < PROCESS_START_MILLIS) {
                if (!fs.delete(st.getPath(), true)) {
                    throw new IOException("cannot remove the stale temporary " + st.getPath());
                }
                LOG.info("removed {}, left by a job that did not finish", st.getPath());
                removed++;
            }
        }
        return removed;
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
