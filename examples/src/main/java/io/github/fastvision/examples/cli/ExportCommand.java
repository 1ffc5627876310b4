package io.github.fastvision.examples.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.onnx.export.OnnxExporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Exports a zoo classifier to ONNX. Without {@code --weights} the model is initialized exactly as
 * {@code run} initializes it with the same {@code --seed} and input size, so the export and {@code
 * run} give the same logits.
 */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description =
                "Export a zoo classifier to ONNX (BN folded, dynamic batch, standard operators).")
public final class ExportCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            description = "Zoo model name (see `fastvision zoo`).")
    private String modelName;

    @Option(
            names = "--weights",
            description =
                    "Weights (.fvw file, or the directory `import --out` wrote); random initialization without it.")
    private Path weights;

    @Option(
            names = "--format",
            defaultValue = "onnx",
            description = "Output format; onnx (the only one).")
    private String format;

    @Option(
            names = "--out",
            required = true,
            description = "Output .onnx file (a new file, or a regular file to replace).")
    private Path out;

    @Option(
            names = "--size",
            description =
                    "Input height and width, 8..4096 (default: the weights' recorded side, else"
                            + " 224).")
    private Integer size;

    @Option(
            names = "--in-channels",
            description = "Input channels, 1 or 3 (default: the weights' channels, else 3).")
    private Integer inChannels;

    @Option(
            names = "--classes",
            description = "Classes, 1..100000 (default: the weights' classes, else 1000).")
    private Integer classes;

    /** The same default seed as {@code run}, so random initializations agree. */
    @Mixin private SeedOption seed = SeedOption.defaultingTo(0);

    @Mixin private JsonOption json;

    /** The JSON document. */
    record Report(
            String model,
            String weights,
            String format,
            String out,
            long bytes,
            int opset,
            long[] input,
            String inputName,
            String outputName) {}

    @Override
    public Integer call() throws IOException {
        if (!"onnx".equals(format.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--format must be onnx but was '" + format + "'");
        }
        if (size != null) {
            OptionBounds.check(
                    "--size", size, OptionBounds.MIN_IMAGE_SIZE, OptionBounds.MAX_IMAGE_SIZE);
        }
        if (classes != null) {
            OptionBounds.check("--classes", classes, 1, OptionBounds.MAX_CLASSES);
        }
        if (inChannels != null && inChannels != 1 && inChannels != 3) {
            throw new IllegalArgumentException(
                    "--in-channels must be 1 or 3 but was " + inChannels);
        }
        // A directory or device as the target would fail only after the model is built.
        if (Files.exists(out) && !Files.isRegularFile(out)) {
            throw new IllegalArgumentException(
                    "--out "
                            + out
                            + (Files.isDirectory(out)
                                    ? " is a directory"
                                    : " exists and is not a regular file")
                            + "; expected a new or regular .onnx file");
        }
        String name = ModelRegistry.info(modelName).name();
        Autograd.disable();
        Engine.getEngine("PyTorch").setRandomSeed(seed.intSeed());
        WeightsFile.Header header =
                weights == null ? null : WeightsFile.header(WeightsFile.resolve(weights, name));
        int side =
                size != null
                        ? size
                        : header != null && header.inputSize().isPresent()
                                ? header.inputSize().get()
                                : 224;
        // Every dimension the weights record (classes, channels, stem stride, widths) unless
        // overridden.
        ModelOptions.Builder builder =
                header != null
                        ? header.options(side).toBuilder()
                        : ModelOptions.builder().setNumClasses(1000).optInputSize(side);
        if (classes != null) {
            builder.setNumClasses(classes);
        }
        if (inChannels != null) {
            builder.optInChannels(inChannels);
        }
        ModelOptions options = builder.build();
        int numClasses = options.numClasses();
        long bytes;
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone model = ModelRegistry.model(name, options);
            OnnxExporter exporter = OnnxExporter.builder().setModel(model).build();
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            if (weights != null) {
                WeightsFile.load(model, manager, weights);
            } else if (!json.enabled()) {
                spec.commandLine()
                        .getErr()
                        .println("fastvision export: no --weights, using random initialization");
            }
            bytes = exporter.export(out);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        long[] input = {-1, options.inChannels(), side, side};
        if (json.enabled()) {
            JsonOutput.print(
                    stdout,
                    new Report(
                            name,
                            weights == null ? null : weights.toString(),
                            "onnx",
                            out.toString(),
                            bytes,
                            OnnxExporter.DEFAULT_OPSET,
                            input,
                            OnnxExporter.INPUT,
                            OnnxExporter.OUTPUT));
        } else {
            stdout.printf(
                    Locale.ROOT,
                    "%s: wrote %s (%.1f MB, opset %d, input '%s' (N, %d, %d, %d), output '%s' (N, %d))%n",
                    name,
                    out,
                    bytes / 1e6,
                    OnnxExporter.DEFAULT_OPSET,
                    OnnxExporter.INPUT,
                    options.inChannels(),
                    side,
                    side,
                    OnnxExporter.OUTPUT,
                    numClasses);
            stdout.flush();
        }
        return 0;
    }
}
