package io.github.fastvision.examples.cli;

import ai.djl.ndarray.NDManager;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.runtime.MedianLatency;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.pruning.ChannelSelection;
import io.github.fastvision.pruning.PrunableModels;
import io.github.fastvision.pruning.methods.ChannelPruning;
import io.github.fastvision.pruning.methods.MagnitudePruning;
import io.github.fastvision.pruning.surgery.Surgery;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Prunes a trained zoo model into a physically smaller one (thesis chapter 3): any model whose
 * family has a width table (CIFAR nets, ResNets and parameter-free ResNets, FasterNet, ConvNeXt).
 */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description =
                "Prune trained weights by a named method and save the smaller model: params, FLOPs"
                        + " and batch-1 latency before and after, and the widths per layer."
                        + " Applies to the CIFAR nets, the ResNets and parameter-free ResNets"
                        + " (bottleneck inner widths), FasterNet and ConvNeXt (MLP hidden widths;"
                        + " ConvNeXt has no BN there, so not slimming).")
public final class PruneCommand implements Callable<Integer> {

    /** The methods {@code --method} accepts. */
    enum Method {
        /** L1-norm filter pruning, the same ratio per layer. */
        L1,
        /** Network Slimming: one global threshold on |γ|. */
        SLIMMING,
        /** Unstructured magnitude pruning of the convolution weights (global). */
        MAGNITUDE,
        /** Uniform channel pruning (largest-L1 filters at the same ratio per layer). */
        UNIFORM
    }

    private static final int WARMUP = 5;
    private static final int RUNS = 25;

    @Spec private CommandSpec spec;

    @Option(
            names = "--model",
            description = "Zoo model name (default: the one the weights file names).")
    private String model;

    @Option(
            names = "--weights",
            required = true,
            description = "Trained weights: a .fvw file or a directory holding <model>.fvw.")
    private Path weights;

    @Option(
            names = "--method",
            required = true,
            converter = MethodConverter.class,
            description = "l1, slimming, magnitude or uniform.")
    private Method method;

    @Option(
            names = "--ratio",
            required = true,
            description =
                    "Share removed, in (0, 1): of the filters per layer (l1, uniform), of all"
                            + " prunable channels (slimming) or of the convolution weights"
                            + " (magnitude).")
    private double ratio;

    @Option(
            names = "--out",
            required = true,
            description = "Directory to write <model>.fvw of the pruned model to.")
    private Path out;

    @Option(
            names = "--batch",
            defaultValue = "1",
            description = "Batch size of the latency measurement (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(
            names = "--round-to",
            defaultValue = "1",
            description =
                    "l1, slimming, uniform: round every pruned width up to a multiple of this,"
                            + " putting back the best-scoring removed channels (8 suits ONNX"
                            + " Runtime and oneDNN, which compute channels in blocks; default:"
                            + " ${DEFAULT-VALUE}, the method's own widths).")
    private int roundTo;

    @Mixin private JsonOption jsonOption;

    /** What one side of the comparison costs. */
    record Side(long params, long flops, double latencyMs) {}

    /** One prunable layer's width before and after. */
    record Width(String layer, int before, int after) {}

    /** The --json document. */
    record Report(
            String model,
            String method,
            double ratio,
            Side before,
            Side after,
            double flopsRatio,
            double latencyRatio,
            int latencyBatch,
            String engine,
            int roundTo,
            List<Width> widths,
            String weights) {}

    /** Parses {@code --method} case-insensitively and names the accepted values. */
    static final class MethodConverter implements picocli.CommandLine.ITypeConverter<Method> {
        @Override
        public Method convert(String value) {
            try {
                return Method.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "unknown method '"
                                + value
                                + "'; expected l1, slimming, magnitude or uniform");
            }
        }
    }

    @Override
    public Integer call() throws IOException {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException("--ratio must be in (0, 1) but was " + ratio);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1 but was " + batch);
        }
        if (roundTo < 1) {
            throw new IllegalArgumentException("--round-to must be >= 1 but was " + roundTo);
        }
        if (roundTo > 1 && method == Method.MAGNITUDE) {
            throw new IllegalArgumentException(
                    "--round-to applies to the structured methods (l1, slimming, uniform);"
                            + " magnitude keeps every channel");
        }
        Path file =
                Files.isDirectory(weights) && model == null
                        ? null
                        : WeightsFile.resolve(
                                weights, model == null ? "" : ModelRegistry.info(model).name());
        if (file == null) {
            throw new IllegalArgumentException(
                    "--weights " + weights + " is a directory: give --model or the .fvw file");
        }
        WeightsFile.Header header = WeightsFile.header(file);
        if (model != null && !ModelRegistry.info(model).name().equals(header.model())) {
            throw new IllegalArgumentException(
                    file
                            + " holds weights for "
                            + header.model()
                            + " but --model is "
                            + ModelRegistry.info(model).name());
        }
        ModelInfo info = ModelRegistry.info(header.model());
        Path target = out.resolve(info.name() + WeightsFile.EXTENSION);
        if (Files.exists(target) && Files.isSameFile(target, file)) {
            throw new IllegalArgumentException(
                    "--out " + out + " holds the input weights; expected another directory");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionModel original =
                    ModelRegistry.create(
                            info.name(), header.options(info.defaultOptions().inputSize()));
            WeightsFile.load(original, manager, file);
            List<ChannelGroup> groups =
                    PrunableModels.groups(
                            original, "prune --method " + method.name().toLowerCase(Locale.ROOT));
            Cost beforeCost = original.cost();
            VisionModel pruned;
            if (method == Method.MAGNITUDE) {
                pruned = Surgery.apply(original, ChannelSelection.all(groups), manager);
                MagnitudePruning.masks(pruned, ratio, MagnitudePruning.Scope.GLOBAL).apply();
            } else {
                ChannelPruning pruning =
                        switch (method) {
                            case L1 -> ChannelPruning.l1(ratio);
                            case SLIMMING -> ChannelPruning.slimming(ratio);
                            default -> ChannelPruning.uniform(ratio);
                        };
                pruned =
                        Surgery.apply(
                                original,
                                pruning.select(groups).roundedUp(groups, roundTo),
                                manager);
            }
            List<ChannelGroup> after = PrunableModels.groups(pruned, "prune");
            Cost afterCost = pruned.cost();
            WeightsFile.save(pruned, target);
            int size = info.defaultOptions().inputSize();
            double beforeMs;
            double afterMs;
            String engine;
            try (ModelRuntime before = runtime(info, file, size);
                    ModelRuntime afterRuntime = runtime(info, target, size)) {
                beforeMs = latencyMs(before, batch);
                afterMs = latencyMs(afterRuntime, batch);
                engine = afterRuntime.engine().djlName();
            }
            List<Width> widths = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                widths.add(
                        new Width(
                                groups.get(i).name(), groups.get(i).width(), after.get(i).width()));
            }
            Report report =
                    new Report(
                            info.name(),
                            method.name().toLowerCase(Locale.ROOT),
                            ratio,
                            new Side(beforeCost.params(), beforeCost.macs(), beforeMs),
                            new Side(afterCost.params(), afterCost.macs(), afterMs),
                            beforeCost.macs() / (double) afterCost.macs(),
                            beforeMs / afterMs,
                            batch,
                            engine,
                            roundTo,
                            widths,
                            target.toString());
            print(report);
        }
        return 0;
    }

    private void print(Report r) {
        PrintWriter w = spec.commandLine().getOut();
        if (jsonOption.enabled()) {
            JsonOutput.print(w, r);
            return;
        }
        w.printf(
                Locale.ROOT,
                "%s pruned by %s at %.2f -> %s%n",
                r.model(),
                r.method(),
                r.ratio(),
                r.weights());
        w.printf(
                Locale.ROOT,
                "before: %,d params, %.2f MFLOPs, %.3f ms%nafter:  %,d params, %.2f MFLOPs, %.3f ms"
                        + "%nFLOPs ratio %.2fx, latency ratio %.2fx (batch %d, %s)%n",
                r.before().params(),
                r.before().flops() / 1e6,
                r.before().latencyMs(),
                r.after().params(),
                r.after().flops() / 1e6,
                r.after().latencyMs(),
                r.flopsRatio(),
                r.latencyRatio(),
                r.latencyBatch(),
                r.engine());
        int[] b = r.widths().stream().mapToInt(Width::before).toArray();
        int[] a = r.widths().stream().mapToInt(Width::after).toArray();
        w.println("widths before: " + Arrays.toString(b));
        w.println("widths after:  " + Arrays.toString(a));
        w.flush();
    }

    /** The model on its default engine, as {@code predict} would run it. */
    private static ModelRuntime runtime(ModelInfo info, Path weights, int size) throws IOException {
        return ModelRuntime.builder()
                .setModel(info.name())
                .optWeights(weights)
                .optInputSize(size)
                .build();
    }

    /** Median latency of a batch of zeros through the runtime. */
    static double latencyMs(ModelRuntime model, int batch) {
        float[] x = new float[batch * model.preprocessor().floatsPerImage()];
        return MedianLatency.ms(WARMUP, RUNS, () -> model.run(x, batch));
    }
}
