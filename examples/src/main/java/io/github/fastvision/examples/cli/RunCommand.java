package io.github.fastvision.examples.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OrtException;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.weights.Npy;
import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.runtime.OnnxRuntimeSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One eval-mode forward pass of a zoo model on an NCHW float32 .npy array. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description =
                "Run one eval-mode forward pass on an NCHW float32 .npy array and write the logits.")
public final class RunCommand implements Callable<Integer> {

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
            names = "--input",
            required = true,
            description = "Input .npy, float32, shape (N, C, H, W).")
    private Path input;

    @Option(names = "--output", required = true, description = "Output .npy for the logits.")
    private Path output;

    @Option(names = "--classes", description = "Classes (default: the weights' classes, or 1000).")
    private Integer classes;

    @Option(
            names = "--engine",
            description =
                    "PyTorch or OnnxRuntime (fastvision's ONNX export); default: the model's"
                            + " default engine (`docs/guide.md`, default engines).")
    private String engine;

    /** Random initialization keeps its historical default seed, 0. */
    @Mixin private SeedOption seed = SeedOption.defaultingTo(0);

    @Mixin private JsonOption json;

    /** The JSON document. */
    record Report(
            String model,
            String weights,
            String engine,
            long[] input,
            long[] output,
            String outputFile,
            double ms) {}

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("input file " + input + " does not exist");
        }
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new IllegalArgumentException(
                    "--output must differ from --input; both are " + input);
        }
        InferenceEngine chosen =
                engine == null
                        ? InferenceEngine.defaultFor(modelName)
                        : InferenceEngine.parse(engine);
        Autograd.disable();
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(seed.intSeed());
        try (NDManager manager = NDManager.newBaseManager();
                // The input (created natively by Npy.read) and every activation belong to the
                // pass's own sub-manager, freed when the pass ends; the model outlives it.
                NDManager pass = manager.newSubManager()) {
            NDArray x = Npy.read(pass, input);
            Shape s = x.getShape();
            if (x.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(
                        input
                                + " holds "
                                + x.getDataType()
                                + "; expected a float32 array (N, C, H, W)");
            }
            if (s.dimension() != 4) {
                throw new IllegalArgumentException(
                        input + " has shape " + s + "; expected rank 4 (N, C, H, W)");
            }
            if (s.get(2) != s.get(3)) {
                throw new IllegalArgumentException(
                        input + " has shape " + s + "; expected square images (H == W)");
            }
            WeightsFile.Header header =
                    weights == null
                            ? null
                            : WeightsFile.header(
                                    WeightsFile.resolve(
                                            weights, ModelRegistry.info(modelName).name()));
            int numClasses =
                    classes != null ? classes : header != null ? header.numClasses() : 1000;
            ModelOptions options =
                    ModelOptions.builder()
                            .setNumClasses(numClasses)
                            .optInputSize((int) s.get(2))
                            .optInChannels((int) s.get(1))
                            .optStemStride(header == null ? 0 : header.stemStride())
                            .optWidths(header == null ? null : header.widths())
                            .build();
            Backbone model = ModelRegistry.model(modelName, options);
            // The input must survive the model's total downsampling; libtorch's own message
            // ("Kernel size can't be greater than actual input size") names neither.
            int minSize = model.getStages().get(model.getStages().size() - 1).stride();
            if (s.get(2) < minSize) {
                throw new IllegalArgumentException(
                        input
                                + " has "
                                + s.get(2)
                                + "x"
                                + s.get(3)
                                + " images; "
                                + model.getName()
                                + " needs at least "
                                + minSize
                                + "x"
                                + minSize);
            }
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            if (weights != null) {
                WeightsFile.load(model, manager, weights);
            } else if (!json.enabled()) {
                spec.commandLine()
                        .getErr()
                        .println("fastvision run: no --weights, using random initialization");
            }
            long start;
            NDArray y;
            if (chosen == InferenceEngine.ONNX_RUNTIME) {
                byte[] onnx = OnnxExporter.builder().setModel(model).build().toBytes();
                try (OnnxRuntimeSession session =
                        OnnxRuntimeSession.builder().setModel(onnx).build()) {
                    start = System.nanoTime();
                    OnnxRuntimeSession.Output o = session.run(x.toFloatArray(), s.getShape());
                    y = manager.create(o.values(), new Shape(o.shape()));
                } catch (OrtException e) {
                    throw new IllegalStateException(
                            "ONNX Runtime failed on " + model.getName() + ": " + e.getMessage(), e);
                }
            } else {
                start = System.nanoTime();
                y = model.forward(new ParameterStore(manager, false), new NDList(x), false).head();
            }
            double ms = (System.nanoTime() - start) / 1e6;
            Npy.write(output, y);
            PrintWriter out = spec.commandLine().getOut();
            if (json.enabled()) {
                Json.print(
                        out,
                        new Report(
                                model.getName(),
                                weights == null ? null : weights.toString(),
                                chosen.djlName(),
                                s.getShape(),
                                y.getShape().getShape(),
                                output.toString(),
                                ms));
            } else {
                out.printf(
                        "%s: %s -> %s written to %s (%.1f ms, %s)%n",
                        model.getName(), s, y.getShape(), output, ms, chosen.djlName());
                out.flush();
            }
        }
        return 0;
    }
}
