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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * fastvision's weights file: a small header (magic and format version, model name, classes, input
 * channels and, from FVW2 on, the stem stride; FVW3 adds the per-layer widths of a pruned model)
 * followed by DJL's parameter stream. FVW1 files (no stem stride: the family's stem) still load.
 * Saving goes through {@link AtomicFiles}, so an interrupted save never leaves a half-written file
 * under the final name. Loading decodes the whole file into a twin model first and checks every
 * shape, so a truncated or mismatched file fails before any parameter of the target model changes.
 */
public final class WeightsFile {

    /** File name extension. */
    public static final String EXTENSION = ".fvw";

    private static final int MAGIC_V1 = 0x46565731; // "FVW1": no stem stride

    private static final int MAGIC = 0x46565732; // "FVW2"

    // "FVW3": FVW2 and the per-layer widths of a pruned model; written only for such models, so
    // every other file stays FVW2 and readers of FVW2 keep reading them.
    private static final int MAGIC_V3 = 0x46565733;

    private WeightsFile() {}

    /**
     * Saves an initialized model.
     *
     * @param model the model
     * @param file the destination
     * @throws IOException if writing fails
     */
    public static void save(Backbone model, Path file) throws IOException {
        if (!model.isInitialized()) {
            throw new IllegalStateException("initialize " + model.getName() + " before saving it");
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        // AtomicFiles also removes what a killed earlier save of this file left behind.
        AtomicFiles.write(
                file,
                out -> {
                    DataOutputStream os = new DataOutputStream(new BufferedOutputStream(out));
                    int[] widths = model.getOptions().widths().orElse(null);
                    os.writeInt(widths == null ? MAGIC : MAGIC_V3);
                    os.writeUTF(model.getName());
                    os.writeInt(model.getOptions().numClasses());
                    os.writeInt(model.getOptions().inChannels());
                    os.writeInt(model.getOptions().stemStride());
                    if (widths != null) {
                        os.writeInt(widths.length);
                        for (int w : widths) {
                            os.writeInt(w);
                        }
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
     * @param widths the per-layer widths of a pruned model (FVW3), or null for the variant's own
     */
    public record Header(
            String model, int numClasses, int inChannels, int stemStride, int[] widths) {

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
                    .optWidths(widths)
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
        if (magic != MAGIC && magic != MAGIC_V1 && magic != MAGIC_V3) {
            throw new IllegalArgumentException(
                    file
                            + " is not a fastvision weights file (.fvw, header FVW1 or FVW2); use `fastvision import`"
                            + " for PyTorch checkpoints");
        }
        String name = is.readUTF();
        int classes = is.readInt();
        int channels = is.readInt();
        int stemStride = magic == MAGIC_V1 ? 0 : is.readInt();
        int[] widths = null;
        if (magic == MAGIC_V3) {
            int n = is.readInt();
            if (n < 1 || n > 100_000) {
                throw new IllegalArgumentException(
                        file + " is corrupt: width count must be in [1, 100000] but was " + n);
            }
            widths = new int[n];
            for (int i = 0; i < n; i++) {
                widths[i] = is.readInt();
                if (widths[i] < 1) {
                    throw new IllegalArgumentException(
                            file + " is corrupt: width " + i + " is " + widths[i]);
                }
            }
        }
        return new Header(name, classes, channels, stemStride, widths);
    }

    private static String strideName(int stride) {
        return stride == 0 ? "0 (the family's stem)" : Integer.toString(stride);
    }

    /**
     * Reads a weights file's header.
     *
     * @param file the .fvw file
     * @return model name, classes, input channels and stem stride
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
            if (!Arrays.equals(header.widths(), modelWidths)) {
                throw new IllegalArgumentException(
                        file
                                + " was saved with widths "
                                + (header.widths() == null
                                        ? "of the variant"
                                        : Arrays.toString(header.widths()))
                                + " but the model has "
                                + (modelWidths == null
                                        ? "the variant's"
                                        : Arrays.toString(modelWidths))
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
