package io.github.fastvision.onnx.runtime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.onnx.export.OnnxExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The ONNX export of a zoo model as the engines serve it: built from its options on the PyTorch
 * engine, with weights from a local file or random initialization, exported in memory; with
 * weights, the export is cached next to the weights file ({@code <weights>.<size>px.onnx}) and
 * reused while it is newer than the weights.
 */
public final class ZooExports {

    /** The largest export error allowed, relative to the largest reference logit. */
    public static final double TOLERANCE = 1e-4;

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
        Engine pytorch = Engine.getEngine("PyTorch");
        try (NDManager manager = pytorch.newBaseManager()) {
            Backbone model = info.create(options);
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            if (weights != null) {
                WeightsFile.load(model, manager, weights);
            }
            return OnnxExporter.builder().setModel(model).build().toBytes();
        }
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

    /**
     * Returns the cached export of a model with weights, exporting it first when missing or older
     * than the weights.
     *
     * @param info the model
     * @param options its options
     * @param weights the weights file or directory
     * @return the .onnx file
     * @throws IOException when the weights cannot be read or the cache cannot be written
     */
    public static Path cached(ModelInfo info, ModelOptions options, Path weights)
            throws IOException {
        Path file = WeightsFile.resolve(weights, info.name());
        String stem = file.getFileName().toString().replaceFirst("\\.fvw$", "");
        Path onnx =
                file.resolveSibling(
                        String.format(Locale.ROOT, "%s.%dpx.onnx", stem, options.inputSize()));
        if (Files.isRegularFile(onnx)
                && Files.getLastModifiedTime(onnx).compareTo(Files.getLastModifiedTime(file)) > 0) {
            return onnx;
        }
        byte[] bytes = export(info, options, file);
        AtomicFiles.writePath(onnx, tmp -> Files.write(tmp, bytes));
        return onnx;
    }
}
