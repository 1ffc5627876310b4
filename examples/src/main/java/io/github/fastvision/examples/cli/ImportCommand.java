package io.github.fastvision.examples.cli;

import ai.djl.ndarray.NDManager;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightImporter;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.runtime.ClassNames;
import io.github.fastvision.models.weights.Checkpoint;
import io.github.fastvision.models.weights.NameMapping;
import io.github.fastvision.models.weights.Source;
import io.github.fastvision.models.weights.TensorData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Maps an official PyTorch checkpoint onto a zoo model and saves it as fastvision weights. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description =
                "Import a PyTorch checkpoint (.safetensors, .npz, .pth/.pt state dict) into a zoo model.")
public final class ImportCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(names = "--model", required = true, description = "Zoo model name.")
    private String modelName;

    @Option(names = "--weights", required = true, description = "Checkpoint file.")
    private Path weights;

    @Option(
            names = "--out",
            required = true,
            description = "Output directory; receives <model>.fvw and import.json.")
    private Path out;

    @Option(
            names = "--source",
            description =
                    "Checkpoint naming: official, timm or torchvision (default: the family's).")
    private String source;

    @Option(
            names = "--classes",
            description = "Classes (default: the checkpoint's classifier size).")
    private Integer classes;

    @Option(
            names = "--in-channels",
            defaultValue = "3",
            description = "Image channels (default ${DEFAULT-VALUE}).")
    private int inChannels;

    @Option(
            names = "--input-size",
            defaultValue = "224",
            description = "Input size (default ${DEFAULT-VALUE}).")
    private int inputSize;

    @Option(
            names = "--reinit-head",
            description = "Keep a fresh classifier when the checkpoint's has another size.")
    private boolean reinitHead;

    @Option(
            names = "--non-strict",
            description = "Allow missing and unexpected keys (shapes must still fit).")
    private boolean nonStrict;

    @Mixin private JsonOption json;

    /** The JSON document (also written to DIR/import.json). */
    record Report(
            String model,
            String source,
            String mapping,
            int loaded,
            List<String> missing,
            List<String> unexpected,
            List<String> reinitialized,
            long checkpointBytes,
            double seconds,
            String out) {}

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(weights)) {
            throw new IllegalArgumentException("checkpoint " + weights + " does not exist");
        }
        String name = ModelRegistry.info(modelName).name();
        Path target = out.resolve(name + WeightsFile.EXTENSION);
        if (Files.exists(target) && Files.isSameFile(weights, target)) {
            throw new IllegalArgumentException(
                    "--out must not hold the --weights file itself: " + target + " is the input");
        }
        // Fail before reading the checkpoint when the directory is unwritable; drop what a killed
        // import left half-written.
        AtomicFiles.checkWritableDirectory(out);
        AtomicFiles.removeStaleTemporaries(out, target.getFileName().toString(), "import.json");
        Source src =
                source == null ? ModelRegistry.info(name).defaultSource() : Source.parse(source);
        long start = System.nanoTime();
        Checkpoint checkpoint = Checkpoint.read(weights);
        int numClasses =
                classes != null
                        ? classes
                        : checkpointClasses(
                                checkpoint, ModelRegistry.info(name).checkpointNames(src));
        VisionModel model =
                ModelRegistry.create(
                        name,
                        ModelOptions.builder()
                                .setNumClasses(numClasses)
                                .optInputSize(inputSize)
                                .optInChannels(inChannels)
                                .build());
        WeightImporter.Report r;
        Path file = target;
        try (NDManager manager = NDManager.newBaseManager()) {
            r =
                    WeightImporter.load(
                            model,
                            manager,
                            checkpoint,
                            src,
                            new WeightImporter.Options(!nonStrict, reinitHead));
            // ImageNet-1k checkpoints carry their class names into the file for `predict`.
            WeightsFile.save(
                    model,
                    file,
                    numClasses == ClassNames.IMAGENET_CLASSES
                            ? Map.of(
                                    WeightsFile.CLASS_NAMES,
                                    String.join("\n", ClassNames.imagenet().asList()))
                            : Map.of());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Report report =
                new Report(
                        name,
                        src.name().toLowerCase(java.util.Locale.ROOT),
                        r.mapping(),
                        r.loaded(),
                        r.missing(),
                        r.unexpected(),
                        r.reinitialized(),
                        r.checkpointBytes(),
                        seconds,
                        file.toString());
        String doc = JsonOutput.text(report);
        AtomicFiles.writeString(out.resolve("import.json"), doc);
        PrintWriter stdout = spec.commandLine().getOut();
        if (json.enabled()) {
            stdout.print(doc);
        } else {
            stdout.printf(
                    "%s: %d parameters from %s (%s) in %.2f s -> %s%n",
                    name, r.loaded(), weights, r.mapping(), seconds, file);
            if (!r.missing().isEmpty() || !r.unexpected().isEmpty()) {
                stdout.printf("missing: %s%nunexpected: %s%n", r.missing(), r.unexpected());
            }
            if (!r.reinitialized().isEmpty()) {
                stdout.printf("re-initialized classifier: %s%n", r.reinitialized());
            }
        }
        stdout.flush();
        return 0;
    }

    /** The class count of the checkpoint's classifier, found through the name table. */
    private static int checkpointClasses(Checkpoint checkpoint, NameMapping mapping) {
        for (Map.Entry<String, TensorData> e : checkpoint.tensors().entrySet()) {
            if ("head.fc.weight".equals(mapping.map(e.getKey()))) {
                return (int) e.getValue().shape()[0];
            }
        }
        throw new IllegalArgumentException(
                "the checkpoint has no classifier the name table recognizes; pass --classes");
    }
}
