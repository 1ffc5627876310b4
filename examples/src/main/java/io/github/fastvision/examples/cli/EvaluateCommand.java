package io.github.fastvision.examples.cli;

import io.github.fastvision.training.ClassifierEvaluator;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.Datasets;
import io.github.fastvision.training.loop.ZooTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Test-set accuracy of trained weights. */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Evaluate trained weights on a dataset's test split.")
public final class EvaluateCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--model",
            description = "Zoo model name (default: the one the weights file names).")
    private String model;

    @Option(
            names = "--weights",
            required = true,
            description = "A .fvw file or a `train` run directory.")
    private Path weights;

    @Mixin private DatasetOption dataset;

    @Option(
            names = "--image-size",
            defaultValue = "32",
            description = "Square input side (default: ${DEFAULT-VALUE}).")
    private int imageSize;

    @Option(
            names = "--channels",
            defaultValue = "3",
            description = "Channels image folders are decoded to.")
    private int channels;

    @Mixin private JsonOption json;

    /** The JSON document; the block tree in eval mode on the PyTorch engine computes it. */
    record Report(
            String weights,
            String dataset,
            String engine,
            String precision,
            int images,
            double accuracy,
            double loss) {}

    @Override
    public Integer call() throws IOException {
        DatasetSplit data =
                Datasets.open(dataset.dataset(), channels, Datasets.storeSize(imageSize));
        ClassifierEvaluator.Result r = ZooTrainer.evaluate(weights, model, data.test(), imageSize);
        PrintWriter o = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonOutput.print(
                    o,
                    new Report(
                            weights.toString(),
                            dataset.dataset(),
                            "PyTorch",
                            "fp32",
                            r.images(),
                            r.accuracy(),
                            r.loss()));
        } else {
            o.printf(
                    "%s on %s: accuracy %.2f%% (%d images), loss %.4f%n",
                    weights, data.test().describe(), 100 * r.accuracy(), r.images(), r.loss());
            o.flush();
        }
        return 0;
    }
}
