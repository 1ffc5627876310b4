package io.github.fastvision.models.io;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.ParameterNames;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * fastvision's weights file: a small header (magic and format version, model name, classes, input
 * channels, from FVW2 on the stem stride, from FVW3 on string metadata such as the class names)
 * followed by DJL's parameter stream. FVW1 and FVW2 files (no stem stride, no metadata) still load.
 * Saving goes through {@link AtomicFiles}, so an interrupted save never leaves a half-written file
 * under the final name. Loading decodes the whole file into a twin model first and checks every
 * shape, so a truncated or mismatched file fails before any parameter of the target model changes.
 */
public final class WeightsFile {

    /** File name extension. */
    public static final String EXTENSION = ".fvw";

    private static final int MAGIC_V1 = 0x46565731; // "FVW1": no stem stride

    private static final int MAGIC_V2 = 0x46565732; // "FVW2": no metadata

    private static final int MAGIC = 0x46565733; // "FVW3"

    /** Metadata key: the class names, index order, one per line. */
    public static final String CLASS_NAMES = "class_names";

    /** Metadata key: the square input side the weights were trained or evaluated at. */
    public static final String INPUT_SIZE = "input_size";

    /**
     * Metadata key: the evaluation preprocessing the weights expect, as {@code
     * models.Preprocessing}'s JSON ({@link io.github.fastvision.models.Preprocessing#toJson()}).
     */
    public static final String PREPROCESSING = "preprocessing";

    /**
     * Metadata key: the per-layer widths of a pruned model ({@code ModelOptions.widths()}), comma
     * separated; absent for a variant's own widths.
     */
    public static final String WIDTHS = "widths";

    /** Most widths a file may declare. */
    private static final int MAX_WIDTHS = 100_000;

    /** Most metadata entries a file may declare; a hostile count allocates nothing beyond it. */
    private static final int MAX_METADATA_ENTRIES = 256;

    /** Longest metadata value, in UTF-8 bytes. */
    private static final int MAX_METADATA_VALUE = 4 << 20;

    private WeightsFile() {}

    /**
     * Saves an initialized model.
     *
     * @param model the model
     * @param file the destination
     * @throws IOException if writing fails
     */
    public static void save(Backbone model, Path file) throws IOException {
        save(model, file, Map.of());
    }

    /**
     * Saves an initialized model with metadata ({@link #CLASS_NAMES}, {@link #INPUT_SIZE}, {@link
     * #PREPROCESSING} or any other string pair), read back by {@link #header}.
     *
     * @param model the model
     * @param file the destination
     * @param metadata string keys and values, stored in key order
     * @throws IOException if writing fails
     */
    public static void save(Backbone model, Path file, Map<String, String> metadata)
            throws IOException {
        Map<String, String> sorted = new TreeMap<>(metadata);
        model.getOptions()
                .widths()
                .ifPresent(
                        w ->
                                sorted.put(
                                        WIDTHS,
                                        java.util.Arrays.stream(w)
                                                .mapToObj(Integer::toString)
                                                .collect(
                                                        java.util.stream.Collectors.joining(","))));
        if (sorted.size() > MAX_METADATA_ENTRIES) {
            throw new IllegalArgumentException(
                    "metadata must have at most "
                            + MAX_METADATA_ENTRIES
                            + " entries but has "
                            + sorted.size());
        }
        if (!model.isInitialized()) {
            throw new IllegalStateException("initialize " + model.getName() + " before saving it");
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        // AtomicFiles also removes what a killed earlier save of this file left behind.
        AtomicFiles.write(
                file,
                out -> {
                    DataOutputStream os = new DataOutputStream(new BufferedOutputStream(out));
                    os.writeInt(MAGIC);
                    os.writeUTF(model.getName());
                    os.writeInt(model.getOptions().numClasses());
                    os.writeInt(model.getOptions().inChannels());
                    os.writeInt(model.getOptions().stemStride());
                    os.writeInt(sorted.size());
                    for (Map.Entry<String, String> e : sorted.entrySet()) {
                        os.writeUTF(e.getKey());
                        byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
                        if (value.length > MAX_METADATA_VALUE) {
                            throw new IllegalArgumentException(
                                    "metadata value "
                                            + e.getKey()
                                            + " must be at most "
                                            + MAX_METADATA_VALUE
                                            + " bytes but is "
                                            + value.length);
                        }
                        os.writeInt(value.length);
                        os.write(value);
                    }
                    model.saveParameters(os);
                    os.flush();
                });
    }

    /**
     * What a weights file holds, read from its header.
     *
     * @param model the zoo name
     * @param numClasses classifier outputs
     * @param inChannels image channels
     * @param stemStride the stem stride (0: the family's stem)
     * @param metadata string metadata (empty before FVW3)
     */
    public record Header(
            String model,
            int numClasses,
            int inChannels,
            int stemStride,
            Map<String, String> metadata) {

        /** Copies the metadata. */
        public Header {
            metadata = Map.copyOf(metadata);
        }

        /**
         * A header without metadata.
         *
         * @param model the zoo name
         * @param numClasses classifier outputs
         * @param inChannels image channels
         * @param stemStride the stem stride
         */
        public Header(String model, int numClasses, int inChannels, int stemStride) {
            this(model, numClasses, inChannels, stemStride, Map.of());
        }

        /**
         * The class names the file records ({@link #CLASS_NAMES}).
         *
         * @return the names in index order, or empty when the file records none
         */
        public Optional<List<String>> classNames() {
            String names = metadata.get(CLASS_NAMES);
            return names == null ? Optional.empty() : Optional.of(List.of(names.split("\n", -1)));
        }

        /**
         * The input side the file records ({@link #INPUT_SIZE}).
         *
         * @return the side, or empty when the file records none
         */
        public Optional<Integer> inputSize() {
            String size = metadata.get(INPUT_SIZE);
            try {
                return size == null ? Optional.empty() : Optional.of(Integer.parseInt(size));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "weights of " + model + " record a malformed input_size '" + size + "'", e);
            }
        }

        /**
         * The per-layer widths of a pruned model ({@link #WIDTHS}).
         *
         * @return the widths, or null for the variant's own widths
         */
        public int[] widths() {
            String value = metadata.get(WIDTHS);
            return value == null ? null : parseWidths(value, model);
        }

        /**
         * The options to rebuild the saved model with at another input size.
         *
         * @param inputSize square input side
         * @return classes, channels and stem stride from the file; the variant's drop path
         */
        public ModelOptions options(int inputSize) {
            return ModelOptions.builder()
                    .setNumClasses(numClasses)
                    .optInputSize(inputSize)
                    .optInChannels(inChannels)
                    .optStemStride(stemStride)
                    .optWidths(widths())
                    .build();
        }
    }

    /**
     * Resolves a weights argument: a .fvw file, or a directory holding {@code <model>.fvw} (what
     * {@code fastvision import --out DIR} writes).
     *
     * @param path file or directory
     * @param model the zoo name, used for directories
     * @return the file
     */
    public static Path resolve(Path path, String model) {
        if (Files.isDirectory(path)) {
            Path file = path.resolve(model + EXTENSION);
            if (!Files.isReadable(path) || !Files.isExecutable(path)) {
                throw new IllegalArgumentException("cannot read " + path + ": permission denied");
            }
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(
                        path
                                + " is a directory without "
                                + model
                                + EXTENSION
                                + " (expected the output of"
                                + " `fastvision import --out DIR`)");
            }
            return file;
        }
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("weights file " + path + " does not exist");
        }
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("cannot read " + path + ": permission denied");
        }
        return path;
    }

    private static Header readHeader(DataInputStream is, int magic, Path file) throws IOException {
        if (magic != MAGIC && magic != MAGIC_V2 && magic != MAGIC_V1) {
            throw new IllegalArgumentException(
                    file
                            + " is not a fastvision weights file (.fvw, header FVW1, FVW2 or FVW3); use `fastvision"
                            + " import` for PyTorch checkpoints");
        }
        String name = is.readUTF();
        int classes = is.readInt();
        int channels = is.readInt();
        int stemStride = magic == MAGIC_V1 ? 0 : is.readInt();
        Map<String, String> metadata = new TreeMap<>();
        if (magic == MAGIC) {
            int entries = is.readInt();
            if (entries < 0 || entries > MAX_METADATA_ENTRIES) {
                throw new IllegalArgumentException(
                        file
                                + " declares "
                                + entries
                                + " metadata entries; expected 0 to "
                                + MAX_METADATA_ENTRIES);
            }
            for (int i = 0; i < entries; i++) {
                String key = is.readUTF();
                int length = is.readInt();
                if (length < 0 || length > MAX_METADATA_VALUE) {
                    throw new IllegalArgumentException(
                            file
                                    + " declares a "
                                    + length
                                    + "-byte metadata value for "
                                    + key
                                    + "; expected 0 to "
                                    + MAX_METADATA_VALUE);
                }
                byte[] value = is.readNBytes(length);
                if (value.length != length) {
                    throw new EOFException(file + ": metadata value " + key + " is truncated");
                }
                metadata.put(key, new String(value, StandardCharsets.UTF_8));
            }
        }
        if (metadata.containsKey(WIDTHS)) {
            parseWidths(metadata.get(WIDTHS), file.toString()); // refuse a malformed list now
        }
        return new Header(name, classes, channels, stemStride, metadata);
    }

    private static int[] parseWidths(String value, String source) {
        String[] parts = value.split(",", -1);
        if (parts.length < 1 || parts.length > MAX_WIDTHS) {
            throw new IllegalArgumentException(
                    source
                            + " is corrupt: width count must be in [1, "
                            + MAX_WIDTHS
                            + "] but was "
                            + parts.length);
        }
        int[] widths = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                widths[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                widths[i] = 0;
            }
            if (widths[i] < 1) {
                throw new IllegalArgumentException(
                        source + " is corrupt: width " + i + " is '" + parts[i] + "'");
            }
        }
        return widths;
    }

    private static String strideName(int stride) {
        return stride == 0 ? "0 (the family's stem)" : Integer.toString(stride);
    }

    /**
     * Reads a weights file's header.
     *
     * @param file the .fvw file
     * @return model name, classes, input channels, stem stride and metadata
     * @throws IOException if the file cannot be read
     */
    public static Header header(Path file) throws IOException {
        try (DataInputStream is =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            return readHeader(is, is.readInt(), file);
        } catch (EOFException e) {
            throw new IllegalArgumentException(file + " is truncated: no complete .fvw header", e);
        }
    }

    /**
     * Loads weights into a model, initializing it first if needed. Nothing changes unless the whole
     * file decodes and every parameter shape matches.
     *
     * @param model the model
     * @param manager the manager for the model's arrays when it is not yet initialized
     * @param path the weights: a .fvw file or a directory holding {@code <model>.fvw}
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the file is not a fastvision weights file, is truncated,
     *     or belongs to another model or configuration
     */
    public static void load(Backbone model, NDManager manager, Path path) throws IOException {
        Path file = resolve(path, model.getName());
        try (NDManager scratch = manager.newSubManager();
                DataInputStream is =
                        new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int magic;
            try {
                magic = is.readInt();
            } catch (EOFException e) {
                throw new IllegalArgumentException(
                        file + " is empty; expected a fastvision weights file (.fvw)", e);
            }
            Header header = readHeader(is, magic, file);
            String name = header.model();
            int classes = header.numClasses();
            int channels = header.inChannels();
            if (!name.equals(model.getName())) {
                throw new IllegalArgumentException(
                        file
                                + " holds weights for "
                                + name
                                + " but the model is "
                                + model.getName());
            }
            if (classes != model.getOptions().numClasses()
                    || channels != model.getOptions().inChannels()) {
                throw new IllegalArgumentException(
                        file
                                + " was saved with "
                                + classes
                                + " classes and "
                                + channels
                                + " input channels but the model has "
                                + model.getOptions().numClasses()
                                + " and "
                                + model.getOptions().inChannels());
            }
            if (header.stemStride() != model.getOptions().stemStride()) {
                throw new IllegalArgumentException(
                        file
                                + " was saved with stem stride "
                                + strideName(header.stemStride())
                                + " but the model has "
                                + strideName(model.getOptions().stemStride())
                                + "; build it with ModelOptions.withStemStride("
                                + header.stemStride()
                                + ")");
            }
            int[] modelWidths = model.getOptions().widths().orElse(null);
            if (!java.util.Arrays.equals(header.widths(), modelWidths)) {
                throw new IllegalArgumentException(
                        file
                                + " was saved with widths "
                                + (header.widths() == null
                                        ? "of the variant"
                                        : java.util.Arrays.toString(header.widths()))
                                + " but the model has "
                                + (modelWidths == null
                                        ? "the variant's"
                                        : java.util.Arrays.toString(modelWidths))
                                + "; build it with WeightsFile.header(file).options(size)");
            }
            Backbone twin = ModelRegistry.model(name, model.getOptions());
            try {
                twin.loadParameters(scratch, is);
            } catch (EOFException e) {
                throw new IllegalArgumentException(file + " is truncated", e);
            } catch (MalformedModelException | RuntimeException e) {
                throw new IllegalArgumentException(file + " is corrupt: " + e.getMessage(), e);
            }
            if (is.read() != -1) {
                throw new IllegalArgumentException(
                        file + " has trailing bytes after the parameters: corrupt");
            }
            if (!model.isInitialized()) {
                model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            }
            copy(twin, model, file);
        }
    }

    private static void copy(Backbone from, Backbone to, Path file) {
        List<ParameterNames.Named> src = ParameterNames.of(from);
        List<ParameterNames.Named> dst = ParameterNames.of(to);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < dst.size(); i++) {
            Shape want = dst.get(i).parameter().getArray().getShape();
            Shape got = src.get(i).parameter().getArray().getShape();
            if (!want.equals(got)) {
                problems.add(dst.get(i).name() + ": file " + got + ", model " + want);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    file + " does not fit the model: " + String.join("; ", problems));
        }
        for (int i = 0; i < dst.size(); i++) {
            NDArray target = dst.get(i).parameter().getArray();
            target.set(
                    src.get(i)
                            .parameter()
                            .getArray()
                            .toType(target.getDataType(), false)
                            .toByteBuffer());
        }
    }
}
