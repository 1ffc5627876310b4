package io.github.fastvision.onnx.quantize;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.OrtException;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.inference.ImageDecoder;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.models.runtime.Precision;
import io.github.fastvision.models.runtime.RuntimeRequest;
import io.github.fastvision.onnx.runtime.ZooExports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Quantizes a zoo classifier to int8 from files: its weights (or a random initialization), a
 * directory of calibration images read through the model's own preprocessing, and an output
 * directory that every door takes as weights. The directory holds the fp32 weights ({@code
 * <model>.fvw}, whose header sets classes, size, preprocessing and names) and the int8 models
 * beside them ({@code <model>.int8.onnx}, and {@code <model>.int8.features.onnx} for {@code
 * embed}); it is written to a temporary directory and renamed, so a failure leaves nothing behind.
 */
public final class ZooQuantizer {

    /** Images per calibration batch. */
    private static final int BATCH = 8;

    private ZooQuantizer() {}

    /**
     * What a quantization did.
     *
     * @param model the zoo name
     * @param method the calibration method
     * @param samples calibration images used
     * @param skipped calibration files that were not decodable images, with the reason
     * @param calibrationSeconds wall time of the calibrations (logits and features)
     * @param quantizedValues values carried as uint8 in the logits model
     * @param keptFp32 compute nodes of the logits model left in fp32
     * @param keptLayers layers of the logits model that {@code --keep-fp32} patterns kept in fp32
     * @param fp32Residuals whether the residual stream stayed fp32 (asked for, or chosen by the
     *     sensitivity pass)
     * @param biasCorrected convolutions of the logits model whose bias was corrected
     * @param sensitivity what the sensitivity pass measured and kept, or null without a budget
     * @param out the output directory
     */
    public record Report(
            String model,
            String method,
            int samples,
            List<String> skipped,
            double calibrationSeconds,
            int quantizedValues,
            List<String> keptFp32,
            List<String> keptLayers,
            boolean fp32Residuals,
            int biasCorrected,
            Sensitivity.Result sensitivity,
            String out) {}

    /**
     * Quantizes.
     *
     * @param model the zoo name
     * @param weights a .fvw file or weights directory, or null for a random initialization
     * @param calibration a directory of images (walked recursively, sorted)
     * @param samples how many images to calibrate on, at least 1
     * @param method how activation ranges are read
     * @param strict fail on an undecodable calibration file instead of skipping it
     * @param out the output directory, which must not exist or be empty
     * @return the report
     * @throws IOException when a file cannot be read or written
     * @throws IllegalArgumentException naming the argument or file that is wrong
     */
    public static Report quantize(
            String model,
            Path weights,
            Path calibration,
            int samples,
            QuantizationMethod method,
            boolean strict,
            Path out)
            throws IOException {
        return quantize(
                model,
                weights,
                calibration,
                samples,
                Int8Quantizer.Options.of(method),
                strict,
                null,
                out);
    }

    /**
     * Quantizes with options.
     *
     * @param model the zoo name
     * @param weights a .fvw file or weights directory, or null for a random initialization
     * @param calibration a directory of images (walked recursively, sorted)
     * @param samples how many images to calibrate on, at least 1
     * @param settings method, layers kept in fp32 (patterns must name a layer of the classifier),
     *     bias correction
     * @param strict fail on an undecodable calibration file instead of skipping it
     * @param budget the accuracy budget of the sensitivity pass, or null for none
     * @param out the output directory, which must not exist or be empty
     * @return the report
     * @throws IOException when a file cannot be read or written
     * @throws IllegalArgumentException naming the argument or file that is wrong
     */
    public static Report quantize(
            String model,
            Path weights,
            Path calibration,
            int samples,
            Int8Quantizer.Options settings,
            boolean strict,
            Sensitivity.Budget budget,
            Path out)
            throws IOException {
        QuantizationMethod method = settings.method();
        if (samples < 1 || samples > 100_000) {
            throw new IllegalArgumentException("--samples must be in 1..100000 but was " + samples);
        }
        checkOut(out);
        // The fp32 runtime fixes what the int8 model must match: options, preprocessing, header.
        Engine.getEngine("PyTorch").setRandomSeed(0);
        Path tmp =
                out.toAbsolutePath()
                        .resolveSibling("." + out.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            Path file;
            ModelInfo info;
            ImagePreprocessor pre;
            try (ModelRuntime fp32 =
                    ModelRuntime.builder()
                            .setModel(model)
                            .optWeights(weights)
                            .optPrecision(Precision.FP32)
                            .optEngine(io.github.fastvision.models.InferenceEngine.PYTORCH)
                            .build()) {
                info = fp32.info();
                pre = fp32.preprocessor();
                file = tmp.resolve(info.name() + WeightsFile.EXTENSION);
                if (weights != null) {
                    Files.copy(WeightsFile.resolve(weights, info.name()), file);
                }
            }
            List<String> skipped = new ArrayList<>();
            List<float[]> batches = calibrationBatches(calibration, pre, samples, strict, skipped);
            WeightsFile.Header header = weights == null ? null : WeightsFile.header(file);
            long start = System.nanoTime();
            Int8Quantizer.Result logits;
            Sensitivity.Result sensitivity = null;
            try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
                Engine.getEngine("PyTorch").setRandomSeed(0);
                Backbone net =
                        info.create(
                                header != null
                                        ? header.options(pre.size())
                                        : io.github.fastvision.models.ModelOptions.builder()
                                                .setNumClasses(1000)
                                                .optInputSize(pre.size())
                                                .build());
                net.initialize(manager, DataType.FLOAT32, net.inputShape(1));
                if (weights != null) {
                    WeightsFile.load(net, manager, file);
                } else {
                    WeightsFile.save(net, file);
                }
                // Both keys describe the classifier's options, as the runtime that loads them does.
                io.github.fastvision.models.ModelOptions options = net.getOptions();
                if (budget != null) {
                    sensitivity =
                            Sensitivity.search(
                                    net, batches, settings.withRequireMatches(true), budget);
                    List<String> layers = new ArrayList<>(settings.keepLayers());
                    layers.addAll(sensitivity.kept());
                    settings =
                            settings.withKeepLayers(layers)
                                    .withFp32Residuals(sensitivity.fp32Residuals());
                }
                logits =
                        write(
                                net,
                                options,
                                batches,
                                settings.withRequireMatches(true),
                                info,
                                file,
                                false);
                if (net instanceof VisionModel vm) {
                    vm.resetClassifier(0);
                    // A pattern may name only the classifier head, which the features lack.
                    write(
                            net,
                            options,
                            batches,
                            settings.withRequireMatches(false),
                            info,
                            file,
                            true);
                }
            } catch (OrtException e) {
                throw new IllegalStateException(
                        "ONNX Runtime refused the calibration graph of "
                                + model
                                + ": "
                                + e.getMessage(),
                        e);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            try {
                Files.deleteIfExists(out);
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.DirectoryNotEmptyException
                    | java.nio.file.FileAlreadyExistsException e) {
                // Another writer filled --out after checkOut: its files win, ours are dropped.
                throw new IllegalArgumentException(
                        "--out "
                                + out
                                + " was filled by another writer while quantizing; expected a new"
                                + " or empty directory (nothing was written)",
                        e);
            }
            return new Report(
                    info.name(),
                    method.name().toLowerCase(java.util.Locale.ROOT),
                    Math.min(samples, countImages(batches, pre)),
                    skipped,
                    seconds,
                    logits.quantizedValues(),
                    logits.keptFp32(),
                    logits.keptLayers(),
                    settings.fp32Residuals(),
                    logits.biasCorrected(),
                    sensitivity,
                    out.toString());
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    private static Int8Quantizer.Result write(
            Backbone net,
            io.github.fastvision.models.ModelOptions options,
            List<float[]> batches,
            Int8Quantizer.Options settings,
            ModelInfo info,
            Path weights,
            boolean features)
            throws IOException, OrtException {
        String key = ZooExports.cacheKey(info, options, weights, features);
        Int8Quantizer.Result r =
                Int8Quantizer.quantize(net, batches, settings, Map.of(ZooExports.INT8_OF, key));
        Files.write(RuntimeRequest.int8Model(weights, features), r.onnx());
        return r;
    }

    private static int countImages(List<float[]> batches, ImagePreprocessor pre) {
        int n = 0;
        for (float[] b : batches) {
            n += b.length / pre.floatsPerImage();
        }
        return n;
    }

    /**
     * Refuses an output directory that exists and is not empty, or whose parent is missing, before
     * any model is loaded or image read.
     *
     * @param out the output directory
     * @throws IOException when the directory cannot be listed
     * @throws IllegalArgumentException naming {@code --out} and what was expected
     */
    public static void checkOut(Path out) throws IOException {
        if (Files.exists(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            boolean emptyDir = false;
            if (Files.isDirectory(out, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.list(out)) {
                    emptyDir = s.findAny().isEmpty();
                }
            }
            if (!emptyDir) {
                throw new IllegalArgumentException(
                        "--out " + out + " exists; expected a new or empty directory");
            }
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(
                    "--out " + out + ": the parent directory does not exist");
        }
    }

    /** Decodes and preprocesses the first {@code samples} images of a directory into batches. */
    private static List<float[]> calibrationBatches(
            Path dir, ImagePreprocessor pre, int samples, boolean strict, List<String> skipped)
            throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "--calibration " + dir + " is not a directory of images");
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList();
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--calibration " + dir + " holds no files");
        }
        ImageDecoder decoder = ImageDecoder.standard();
        int per = pre.floatsPerImage();
        List<float[]> batches = new ArrayList<>();
        float[] batch = new float[BATCH * per];
        int inBatch = 0;
        int used = 0;
        for (Path f : files) {
            if (used == samples) {
                break;
            }
            try {
                pre.apply(decoder.decode(f, pre.size()), batch, inBatch * per);
            } catch (IllegalArgumentException | IOException e) {
                if (strict) {
                    throw new IllegalArgumentException(
                            "--calibration: " + f + ": " + e.getMessage(), e);
                }
                skipped.add(f + ": " + e.getMessage());
                continue;
            }
            used++;
            if (++inBatch == BATCH) {
                batches.add(batch);
                batch = new float[BATCH * per];
                inBatch = 0;
            }
        }
        if (inBatch > 0) {
            batches.add(java.util.Arrays.copyOf(batch, inBatch * per));
        }
        if (used == 0) {
            throw new IllegalArgumentException(
                    "--calibration "
                            + dir
                            + ": none of its "
                            + files.size()
                            + " files is a decodable image");
        }
        if (used < samples) {
            throw new IllegalArgumentException(
                    "--calibration "
                            + dir
                            + " holds "
                            + used
                            + " decodable images but --samples is "
                            + samples
                            + "; lower --samples or add images");
        }
        return batches;
    }
}
