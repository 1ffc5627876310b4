package io.github.fastvision.onnx.runtime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.onnx.export.MixedExport;
import io.github.fastvision.onnx.export.OnnxExporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * The ONNX export of a zoo model as the engines serve it: built from its options on the PyTorch
 * engine, with weights from a local file or random initialization. With weights, the export is
 * cached beside the weights file ({@code <weights>.<size>px.onnx}, or {@code .features.onnx}) and
 * carries a key in its {@code metadata_props}: a hash of the weights' content, the model's options,
 * the exporter's version and the opset. A cached file is served only when its key matches, so a
 * stale, truncated or foreign file is exported again, never used. Where the weights' directory is
 * not writable the cache lives in {@code ~/.cache/fastvision/onnx}.
 */
public final class ZooExports {

    /** The largest export error allowed, relative to the largest reference logit. */
    public static final double TOLERANCE = 1e-4;

    /** The {@code metadata_props} key of the cache key. */
    public static final String CACHE_KEY = "fastvision.cache_key";

    /**
     * The {@code metadata_props} key of an int8 model: the {@link #cacheKey} of the fp32 weights
     * and options it was quantized from.
     */
    public static final String INT8_OF = "fastvision.int8_of";

    private ZooExports() {}

    /**
     * Exports a zoo classifier.
     *
     * @param info the model
     * @param options its options (input size, classes, channels)
     * @param weights a weights file or directory ({@code fastvision import --out}), or null for
     *     random initialization (seeded through the PyTorch engine's random seed)
     * @return the serialized ONNX model
     * @throws IOException when the weights cannot be read
     */
    public static byte[] export(ModelInfo info, ModelOptions options, Path weights)
            throws IOException {
        return export(info, options, weights, false, Map.of());
    }

    /**
     * Exports a zoo classifier, or its pooled pre-logits features.
     *
     * @param info the model
     * @param options its options
     * @param weights a weights file or directory, or null for random initialization
     * @param features true to export the features (the head without its last linear layer)
     * @param metadata {@code metadata_props} of the export
     * @return the serialized ONNX model
     * @throws IOException when the weights cannot be read
     */
    public static byte[] export(
            ModelInfo info,
            ModelOptions options,
            Path weights,
            boolean features,
            Map<String, String> metadata)
            throws IOException {
        return export(info, options, weights, features, metadata, false);
    }

    private static byte[] export(
            ModelInfo info,
            ModelOptions options,
            Path weights,
            boolean features,
            Map<String, String> metadata,
            boolean mixed)
            throws IOException {
        Engine pytorch = Engine.getEngine("PyTorch");
        try (NDManager manager = pytorch.newBaseManager()) {
            Backbone model = info.create(options);
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            if (weights != null) {
                WeightsFile.load(model, manager, weights);
            }
            if (features && model instanceof VisionModel vm) {
                vm.resetClassifier(0);
            }
            return mixed
                    ? MixedExport.exporter(model, metadata).toBytes()
                    : OnnxExporter.builder()
                            .setModel(model)
                            .optMetadata(metadata)
                            .build()
                            .toBytes();
        }
    }

    /**
     * Exports a zoo classifier for mixed execution ({@link MixedExport}: each deformable pool one
     * node that fastvision's kernel runs between ONNX Runtime segments).
     *
     * @param info the model
     * @param options its options
     * @param weights a weights file or directory, or null for random initialization
     * @param features true to export the features
     * @param metadata {@code metadata_props} of the export
     * @return the serialized ONNX model, with nodes of {@link MixedExport#DOMAIN}
     * @throws IOException when the weights cannot be read
     */
    public static byte[] exportMixed(
            ModelInfo info,
            ModelOptions options,
            Path weights,
            boolean features,
            Map<String, String> metadata)
            throws IOException {
        return export(info, options, weights, features, metadata, true);
    }

    /**
     * Returns whether a zoo model holds deformable pools, which the ONNX Runtime engine serves by
     * mixed execution (built without weights: the block tree only).
     *
     * @param info the model
     * @param options its options
     * @return true when some block is a {@link DeformablePool2d}
     */
    public static boolean hasDeformablePools(ModelInfo info, ModelOptions options) {
        return contains(info.create(options));
    }

    private static boolean contains(ai.djl.nn.Block block) {
        if (block instanceof DeformablePool2d) {
            return true;
        }
        for (ai.djl.util.Pair<String, ai.djl.nn.Block> c : block.getChildren()) {
            if (contains(c.getValue())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the cache key of an export: what must be equal for a cached file to be served.
     *
     * @param info the model
     * @param options its options
     * @param weights the weights file
     * @param features whether the export is of the features
     * @return a hex SHA-256
     * @throws IOException when the weights cannot be read
     */
    public static String cacheKey(
            ModelInfo info, ModelOptions options, Path weights, boolean features)
            throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(weights)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        }
        String described =
                String.join(
                        "|",
                        HexFormat.of().formatHex(sha.digest()),
                        info.name(),
                        Integer.toString(options.numClasses()),
                        Integer.toString(options.inChannels()),
                        Integer.toString(options.inputSize()),
                        Integer.toString(options.stemStride()),
                        Arrays.toString(options.widths().orElse(null)),
                        features ? "features" : "logits",
                        OnnxExporter.version(),
                        Integer.toString(OnnxExporter.DEFAULT_OPSET));
        return HexFormat.of()
                .formatHex(sha256().digest(described.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /**
     * Returns where the export of a model with weights is cached: beside the weights when that
     * directory is writable, else in the user's cache directory under the key.
     *
     * @param weights the weights file
     * @param options the model's options
     * @param features whether the export is of the features
     * @param key the {@link #cacheKey}
     * @return the .onnx path (it may not exist yet)
     */
    public static Path cacheFile(Path weights, ModelOptions options, boolean features, String key) {
        return cacheFile(weights, options, features, key, false);
    }

    /**
     * Returns where an export of a model with weights is cached, as {@link #cacheFile(Path,
     * ModelOptions, boolean, String)} does; a mixed export ({@link MixedExport}) is {@code
     * <weights>.<size>px.mixed.onnx}.
     *
     * @param weights the weights file
     * @param options the model's options
     * @param features whether the export is of the features
     * @param key the {@link #cacheKey}
     * @param mixed whether the export is for mixed execution
     * @return the .onnx path (it may not exist yet)
     */
    public static Path cacheFile(
            Path weights, ModelOptions options, boolean features, String key, boolean mixed) {
        String stem = weights.getFileName().toString().replaceFirst("\\.fvw$", "");
        String name =
                String.format(
                        Locale.ROOT,
                        "%s.%dpx%s%s.onnx",
                        stem,
                        options.inputSize(),
                        features ? ".features" : "",
                        mixed ? ".mixed" : "");
        Path dir = weights.toAbsolutePath().getParent();
        if (dir != null && Files.isWritable(dir)) {
            return dir.resolve(name);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "fastvision", "onnx")
                .resolve(key.substring(0, 16) + "-" + name);
    }

    /**
     * Exports a zoo classifier and checks the export: ONNX Runtime's logits on {@code input} must
     * match fastvision's own eval-mode forward pass within {@link #TOLERANCE} of their largest
     * magnitude.
     *
     * @param info the model
     * @param options its options
     * @param weights a weights file or directory, or null for random initialization
     * @param input the check's input, row-major (N, C, S, S)
     * @param shape its shape
     * @return the serialized ONNX model
     * @throws IOException when the weights cannot be read
     * @throws IllegalStateException when the export does not match, naming the largest error
     */
    public static byte[] exportVerified(
            ModelInfo info, ModelOptions options, Path weights, float[] input, long[] shape)
            throws IOException {
        Engine pytorch = Engine.getEngine("PyTorch");
        byte[] onnx;
        float[] reference;
        try (NDManager manager = pytorch.newBaseManager()) {
            Backbone model = info.create(options);
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            if (weights != null) {
                WeightsFile.load(model, manager, weights);
            }
            onnx = OnnxExporter.builder().setModel(model).build().toBytes();
            NDArray x = manager.create(input, new Shape(shape));
            reference =
                    model.forward(new ParameterStore(manager, false), new NDList(x), false)
                            .singletonOrThrow()
                            .toFloatArray();
        }
        float[] got;
        try (OnnxRuntimeSession session = OnnxRuntimeSession.builder().setModel(onnx).build()) {
            got = session.run(input, shape).values();
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "ONNX Runtime refused the export of " + info.name() + ": " + e.getMessage(), e);
        }
        double error = relativeError(reference, got);
        if (!(error <= TOLERANCE)) {
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "the ONNX export of %s differs from fastvision's output by %.3g of"
                                    + " max|ref| (allowed %.0e)",
                            info.name(),
                            error,
                            TOLERANCE));
        }
        return onnx;
    }

    /**
     * Returns max |ref − got| / max |ref|.
     *
     * @param ref the reference values
     * @param got the values to check
     * @return the relative error (infinite when the lengths differ or the reference is all zero)
     */
    public static double relativeError(float[] ref, float[] got) {
        if (ref.length != got.length) {
            return Double.POSITIVE_INFINITY;
        }
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < ref.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
            maxDiff = Math.max(maxDiff, Math.abs(ref[i] - got[i]));
        }
        return maxRef > 0 ? maxDiff / maxRef : Double.POSITIVE_INFINITY;
    }
}
