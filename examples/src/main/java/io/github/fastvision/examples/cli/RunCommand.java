package io.github.fastvision.examples.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.models.weights.Npy;
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
            String precision,
            long[] input,
            long[] output,
            String outputFile,
            double ms,
            double loadSeconds) {}

    /** Loads the model; an input smaller than the model's stride is named with its shape. */
    private ModelRuntime open(ModelRuntime.Builder builder, Shape s) throws IOException {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m != null && m.startsWith("inputSize") && m.contains(" is too small: ")) {
                throw new IllegalArgumentException(
                        input
                                + " has "
                                + s.get(2)
                                + "x"
                                + s.get(3)
                                + " images; "
                                + m.substring(m.indexOf(" is too small: ") + 15),
                        e);
            }
            throw e;
        }
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(input)) {
            throw new IllegalArgumentException("input file " + input + " does not exist");
        }
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new IllegalArgumentException(
                    "--output must differ from --input; both are " + input);
        }
        Autograd.disable();
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(seed.intSeed());
        if (weights == null && !json.enabled()) {
            spec.commandLine()
                    .getErr()
                    .println("fastvision run: no --weights, using random initialization");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = Npy.read(manager, input);
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
            if (s.get(0) < 1) {
                throw new IllegalArgumentException(input + " holds no images (shape " + s + ")");
            }
            float[] values = x.toFloatArray();
            ModelRuntime.Builder builder =
                    ModelRuntime.builder()
                            .setModel(modelName)
                            .optWeights(weights)
                            .optInputSize(Math.toIntExact(s.get(2)))
                            .optInChannels(Math.toIntExact(s.get(1)))
                            .optNumClasses(classes == null ? 0 : classes)
                            .optEngine(engine == null ? null : InferenceEngine.parse(engine));
            try (ModelRuntime runtime = open(builder, s)) {
                int n = Math.toIntExact(s.get(0));
                long start = System.nanoTime();
                float[] flat = runtime.runFlat(values, n);
                double ms = (System.nanoTime() - start) / 1e6;
                long[] outShape = {n, runtime.outputs()};
                Npy.write(output, flat, outShape);
                PrintWriter out = spec.commandLine().getOut();
                String name = runtime.info().name();
                String engineName = runtime.engine().djlName();
                if (json.enabled()) {
                    JsonOutput.print(
                            out,
                            new Report(
                                    name,
                                    weights == null ? null : weights.toString(),
                                    engineName,
                                    runtime.precision(),
                                    s.getShape(),
                                    outShape,
                                    output.toString(),
                                    ms,
                                    runtime.loadSeconds()));
                } else {
                    out.printf(
                            "%s: %s -> %s written to %s (%.1f ms, %s)%n",
                            name, s, new Shape(outShape), output, ms, engineName);
                    out.flush();
                }
            }
        }
        return 0;
    }
}
