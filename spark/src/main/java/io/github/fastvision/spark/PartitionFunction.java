package io.github.fastvision.spark;

import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.core.runtime.ProcessMemory;
import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.inference.ClassScore;
import io.github.fastvision.models.inference.ImageDecoder;
import io.github.fastvision.models.inference.ImageFormatException;
import io.github.fastvision.models.inference.Prediction;
import io.github.fastvision.models.inference.TopK;
import io.github.fastvision.models.runtime.EngineUnavailableException;
import io.github.fastvision.models.runtime.ModelRuntime;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one partition: rows are read in batches of {@code batch}; each row's image is read (a path
 * with a size bound), decoded subsampled towards the model's input side and preprocessed at once,
 * so a batch holds only model-sized inputs, never full-resolution images. A row that fails any of
 * these steps gets an error naming its source and no prediction. The preprocessed rows of the batch
 * go through the executor's cached model in one forward pass, whose native memory lives in a
 * per-batch sub-manager freed when the pass returns. When the task completes (also when it fails or
 * is killed) a listener drops the pending batch and records the JVM's resident memory.
 */
final class PartitionFunction implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(PartitionFunction.class);

    /** The columns a partition adds. */
    enum Layout {
        /**
         * {@link SparkImageModel}'s: {@code class}, {@code probability}, {@code top_k}, {@code
         * error} for a classifier; {@code embedding} (array of float), {@code error} for an
         * embedder.
         */
        ARRAYS,
        /**
         * The ML stages': {@code prediction} (class index), label, probability {@code Vector},
         * top-k, error for a classifier; a features {@code Vector} and error for an embedder.
         */
        VECTORS
    }

    /** Field positions of Spark's image struct: origin, height, width, nChannels, mode, data. */
    static final String[] IMAGE_FIELDS = {"origin", "height", "width", "nChannels", "mode", "data"};

    private final ModelSpec spec;
    private final int batch;
    private final int pathIndex;
    private final int contentIndex;
    private final int imageIndex;

    /** Positions of {@link #IMAGE_FIELDS} in the image struct, or null without one. */
    private final int[] imageFields;

    private final Layout layout;
    private final long maxFileBytes;

    /** The driver's Hadoop configuration, for paths that are not local files; null without. */
    private final Broadcast<SerializableConfiguration> hadoop;

    /** Input columns copied to the output, in order (every column but the content). */
    private final int[] kept;

    private final CollectionAccumulator<ModelLoad> loads;
    private final CollectionAccumulator<PartitionMemory> memory;

    PartitionFunction(
            ModelSpec spec,
            int batch,
            int pathIndex,
            int contentIndex,
            int imageIndex,
            int[] imageFields,
            Layout layout,
            long maxFileBytes,
            Broadcast<SerializableConfiguration> hadoop,
            int[] kept,
            CollectionAccumulator<ModelLoad> loads,
            CollectionAccumulator<PartitionMemory> memory) {
        this.spec = spec;
        this.batch = batch;
        this.pathIndex = pathIndex;
        this.contentIndex = contentIndex;
        this.imageIndex = imageIndex;
        this.imageFields = imageFields == null ? null : imageFields.clone();
        this.layout = layout;
        this.maxFileBytes = maxFileBytes;
        this.hadoop = hadoop;
        this.kept = kept.clone();
        this.loads = loads;
        this.memory = memory;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        String executor = executorId();
        ExecutorModels.Loaded loaded = load(executor);
        if (loaded.loadSeconds() > 0) {
            ModelRuntime m = loaded.model();
            loads.add(
                    new ModelLoad(
                            executor,
                            m.info().name(),
                            m.engine().djlName(),
                            m.precision(),
                            loaded.loadSeconds()));
        }
        Batches out = new Batches(input, loaded.model());
        TaskContext context = TaskContext.get();
        if (context != null) {
            int partition = context.partitionId();
            context.addTaskCompletionListener(
                    (TaskCompletionListener)
                            c -> {
                                long rows = out.close();
                                long rss = ProcessMemory.residentBytes();
                                memory.add(
                                        new PartitionMemory(
                                                executor, partition, rows, rss, System.nanoTime()));
                                // In the executor's log: the RSS series of a long job.
                                LOG.info(
                                        "partition {} on executor {}: {} rows, VmRSS {} MiB",
                                        partition,
                                        executor,
                                        rows,
                                        rss >> 20);
                            });
        }
        return out;
    }

    /** Loads the executor's model; a failure names the parameter to change. */
    private ExecutorModels.Loaded load(String executor) {
        try {
            return ExecutorModels.get(spec);
        } catch (EngineUnavailableException e) {
            throw new IllegalArgumentException(
                    "engine: "
                            + (spec.engine() == null ? "the default engine" : spec.engine())
                            + " cannot run "
                            + spec.model()
                            + " on executor "
                            + executor
                            + ": "
                            + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            String weights =
                    spec.weightsPath() != null
                            ? spec.weightsPath()
                            : spec.weights() != null ? "the broadcast weights" : null;
            throw new IllegalArgumentException(
                    (weights == null ? "model: " : "weights: ")
                            + "cannot load model "
                            + spec.model()
                            + (weights == null ? "" : " with weights " + weights)
                            + " (precision "
                            + (spec.precision() == null ? "auto" : spec.precision())
                            + ") on executor "
                            + executor
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "driver" : env.executorId();
    }

    /** The lazily computed output rows of one partition. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> input;
        private final ModelRuntime model;
        private List<Row> pending = new ArrayList<>();
        private int next;
        private long produced;
        private boolean closed;

        Batches(Iterator<Row> input, ModelRuntime model) {
            this.input = input;
            this.model = model;
        }

        @Override
        public boolean hasNext() {
            if (next < pending.size()) {
                return true;
            }
            if (closed || !input.hasNext()) {
                return false;
            }
            pending = runBatch();
            next = 0;
            return !pending.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            produced++;
            return pending.get(next++);
        }

        /** Drops the pending batch; returns the rows produced. */
        synchronized long close() {
            closed = true;
            pending = new ArrayList<>();
            next = 0;
            return produced;
        }

        private List<Row> runBatch() {
            List<Row> rows = new ArrayList<>(batch);
            while (rows.size() < batch && input.hasNext()) {
                rows.add(input.next());
            }
            ImageDecoder decoder = ImageDecoder.standard();
            ImagePreprocessor preprocessor = model.preprocessor();
            List<float[]> inputs = new ArrayList<>(rows.size());
            String[] errors = new String[rows.size()];
            int[] slot = new int[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                slot[i] = -1;
                Row row = rows.get(i);
                String source = source(row);
                try {
                    DecodedImage image = decode(decoder, row, source, preprocessor.size());
                    inputs.add(preprocess(preprocessor, image, source));
                    slot[i] = inputs.size() - 1;
                } catch (IOException | RuntimeException e) {
                    // A bad file is a row's outcome, not the job's: ImageFormatException for a
                    // corrupt or non-image file, IOException for an unreadable path.
                    errors[i] = e.getMessage() == null ? source + ": " + e : e.getMessage();
                }
            }
            List<Prediction> predictions = null;
            float[][] outputs = null;
            if (!inputs.isEmpty()) {
                outputs = model.run(inputs.size(), buffer -> inputs.forEach(buffer::put));
                if (spec.kind() == ModelSpec.Kind.CLASSIFIER) {
                    // Turns each row into its softmax probabilities as well.
                    predictions = TopK.of(outputs, model.classNames(), spec.topK());
                }
            }
            if (layout == Layout.VECTORS) {
                return vectorRows(rows, slot, errors, predictions, outputs);
            }
            float[][] embeddings = outputs;
            int extraColumns = spec.kind() == ModelSpec.Kind.CLASSIFIER ? 4 : 2;
            List<Row> out = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Row in = rows.get(i);
                Object[] values = new Object[kept.length + extraColumns];
                int v = 0;
                for (int k : kept) {
                    values[v++] = in.get(k);
                }
                if (spec.kind() == ModelSpec.Kind.CLASSIFIER) {
                    Prediction p = slot[i] < 0 ? null : predictions.get(slot[i]);
                    values[v++] = p == null ? null : p.best().name();
                    values[v++] = p == null ? null : p.best().probability();
                    values[v++] = p == null ? null : top(p);
                } else {
                    values[v++] = slot[i] < 0 ? null : boxed(embeddings[slot[i]]);
                }
                values[v] = errors[i];
                out.add(RowFactory.create(values));
            }
            return out;
        }

        /** The ML stages' rows: every input column, then the added ones. */
        private List<Row> vectorRows(
                List<Row> rows,
                int[] slot,
                String[] errors,
                List<Prediction> predictions,
                float[][] values) {
            boolean classifier = spec.kind() == ModelSpec.Kind.CLASSIFIER;
            int extraColumns = classifier ? 5 : 2;
            List<Row> out = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                Row in = rows.get(i);
                Object[] v = new Object[kept.length + extraColumns];
                int c = 0;
                for (int k : kept) {
                    v[c++] = in.get(k);
                }
                boolean ok = slot[i] >= 0;
                if (classifier) {
                    Prediction p = ok ? predictions.get(slot[i]) : null;
                    v[c++] = ok ? (double) p.best().index() : null;
                    v[c++] = ok ? p.best().name() : null;
                    v[c++] = ok ? MlVectors.dense(values[slot[i]]) : null;
                    v[c++] = ok ? top(p) : null;
                } else {
                    v[c++] = ok ? MlVectors.dense(values[slot[i]]) : null;
                }
                v[c] = errors[i];
                out.add(RowFactory.create(v));
            }
            return out;
        }

        private String source(Row row) {
            if (imageIndex >= 0) {
                Row image = row.isNullAt(imageIndex) ? null : row.getStruct(imageIndex);
                return image == null || image.isNullAt(imageFields[0])
                        ? "image row without an origin"
                        : image.getString(imageFields[0]);
            }
            return pathIndex < 0 || row.isNullAt(pathIndex)
                    ? "row without a path"
                    : row.getString(pathIndex);
        }

        private DecodedImage decode(ImageDecoder decoder, Row row, String source, int side)
                throws IOException {
            if (imageIndex >= 0) {
                if (row.isNullAt(imageIndex)) {
                    throw new IllegalArgumentException(source + ": no image");
                }
                return fromImageStruct(row.getStruct(imageIndex), imageFields, source);
            }
            if (contentIndex >= 0) {
                if (row.isNullAt(contentIndex)) {
                    throw new IllegalArgumentException(source + ": no image bytes");
                }
                return decoder.decode((byte[]) row.get(contentIndex), source, side);
            }
            if (pathIndex < 0 || row.isNullAt(pathIndex)) {
                throw new IllegalArgumentException("a row without a path");
            }
            return isLocal(source)
                    ? readLocal(decoder, source, side)
                    : readHadoop(decoder, source, side);
        }

        private DecodedImage readLocal(ImageDecoder decoder, String source, int side)
                throws IOException {
            Path file = localPath(source);
            // Follows links; a FIFO, device or dangling link is left to the decoder's message.
            long size;
            try {
                size = Files.isRegularFile(file) ? Files.size(file) : -1;
            } catch (IOException e) {
                throw new IOException("cannot read " + source + ": " + AtomicFiles.describe(e), e);
            }
            checkSize(source, size);
            try {
                return decoder.decode(file, side);
            } catch (ImageFormatException e) {
                if (size == 0) {
                    throw empty(source);
                }
                throw e;
            }
        }

        private DecodedImage readHadoop(ImageDecoder decoder, String source, int side)
                throws IOException {
            if (hadoop == null) {
                throw new IOException(
                        "cannot read " + source + ": not a local path and no Hadoop configuration");
            }
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(source);
            FileSystem fs = path.getFileSystem(hadoop.value().value());
            FileStatus status;
            try {
                status = fs.getFileStatus(path);
            } catch (IOException e) {
                throw new IOException("cannot read " + source + ": " + e.getMessage(), e);
            }
            if (!status.isFile()) {
                throw new ImageFormatException(source, "is a directory, not an image", null);
            }
            checkSize(source, status.getLen());
            if (status.getLen() == 0) {
                throw empty(source);
            }
            byte[] bytes = new byte[(int) status.getLen()];
            try (FSDataInputStream in = fs.open(path)) {
                in.readFully(0, bytes);
            } catch (IOException e) {
                throw new IOException("cannot read " + source + ": " + e.getMessage(), e);
            }
            return decoder.decode(bytes, source, side);
        }

        private void checkSize(String source, long size) {
            if (size > maxFileBytes) {
                throw new ImageFormatException(
                        source,
                        "is "
                                + size
                                + " bytes; an image file may have at most "
                                + maxFileBytes
                                + " bytes (the maxFileBytes bound)",
                        null);
            }
        }
    }

    /**
     * Converts a row of Spark's image source: 8-bit pixels stored row-major as (H, W, C) in BGR or
     * BGRA order (OpenCV's layout), or one gray channel; alpha is dropped as the file decoder drops
     * it.
     */
    static DecodedImage fromImageStruct(Row image, int[] fields, String source) {
        int height = image.getInt(fields[1]);
        int width = image.getInt(fields[2]);
        int channels = image.getInt(fields[3]);
        int mode = image.getInt(fields[4]);
        byte[] data = image.isNullAt(fields[5]) ? null : (byte[]) image.get(fields[5]);
        if (height < 1 || width < 1 || data == null || data.length == 0) {
            // The image source's row for a file it could not decode (dropInvalid=false).
            throw new ImageFormatException(
                    source, "was not decoded by the image source (no pixels)", null);
        }
        int expectedMode = channels == 1 ? 0 : channels == 3 ? 16 : channels == 4 ? 24 : -1;
        if (expectedMode < 0 || mode != expectedMode) {
            throw new ImageFormatException(
                    source,
                    "has nChannels "
                            + channels
                            + " and mode "
                            + mode
                            + "; expected 8-bit gray, BGR or BGRA (modes 0, 16, 24)",
                    null);
        }
        if (data.length != (long) height * width * channels) {
            throw new ImageFormatException(
                    source,
                    "has "
                            + data.length
                            + " data bytes but height x width x nChannels is "
                            + (long) height * width * channels,
                    null);
        }
        int planes = channels == 1 ? 1 : 3;
        int area = height * width;
        byte[] chw = new byte[planes * area];
        if (planes == 1) {
            System.arraycopy(data, 0, chw, 0, area);
        } else {
            for (int p = 0, src = 0; p < area; p++, src += channels) {
                chw[p] = data[src + 2];
                chw[area + p] = data[src + 1];
                chw[2 * area + p] = data[src];
            }
        }
        return new DecodedImage(planes, height, width, chw);
    }

    private static ImageFormatException empty(String source) {
        return new ImageFormatException(
                source, "is empty (0 bytes); expected a PNG or JPEG image", null);
    }

    /** Preprocesses one image, naming its source when the image cannot be (an extreme shape). */
    private static float[] preprocess(
            ImagePreprocessor preprocessor, DecodedImage image, String source) {
        try {
            return preprocessor.apply(image);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** Whether a path names a local file: no URI scheme, or {@code file:}. */
    static boolean isLocal(String path) {
        return path.startsWith("file:") || !path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*");
    }

    /** A plain path or a {@code file:} URI (what Spark's file sources write). */
    static Path localPath(String path) {
        if (!path.startsWith("file:")) {
            return Paths.get(path);
        }
        try {
            return Paths.get(URI.create(path));
        } catch (IllegalArgumentException e) {
            // An unencoded URI (a space in a name): its path part is the file name as written.
            return Paths.get(path.substring("file:".length()).replaceFirst("^//", ""));
        }
    }

    // Object arrays: the external types Spark's row encoder accepts for an array column.
    private static Row[] top(Prediction p) {
        Row[] top = new Row[p.top().size()];
        for (int k = 0; k < top.length; k++) {
            ClassScore s = p.top().get(k);
            top[k] = RowFactory.create(s.name(), s.probability());
        }
        return top;
    }

    private static Float[] boxed(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
