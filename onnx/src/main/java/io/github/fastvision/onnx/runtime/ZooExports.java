package io.github.fastvision.onnx.runtime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
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
