package io.github.fastvision.examples.cli;

import io.github.fastvision.examples.studies.PConvRatioStudy;
import io.github.fastvision.examples.studies.PruningStudy;
import io.github.fastvision.examples.studies.SingleBottleneckStudy;
import io.github.fastvision.examples.studies.StudyResult;
import io.github.fastvision.examples.studies.StudySettings;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.Datasets;
import io.github.fastvision.training.progress.TrainingProgressBar;
import io.github.fastvision.training.recipe.Recipes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The papers' small-scale studies. */
@Command(
        name = "study",
        mixinStandardHelpOptions = true,
        description =
                "Reproduce a paper study at small scale: single-bottleneck (pflayer Fig. 1/B.1), pconv-ratio (fasternet Table 5) or pruning (thesis ch. 3).")
public final class StudyCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Parameters(index = "0", description = "single-bottleneck, pconv-ratio or pruning")
    private String name;

    @Mixin private DatasetOption.Defaulted datasetOption;

    @Option(
            names = "--epochs",
            description =
                    "Epochs per model (default: 3; pruning: the large model's, 6 or 2 with --quick).")
    private Integer epochs;

    @Option(
            names = "--batch",
            defaultValue = "128",
            description = "Batch size (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Mixin private SeedOption seedOption;

    @Mixin private QuietOption quietOption;

    @Mixin private JsonOption jsonOption;

    @Option(
            names = "--quick",
            description =
                    "pruning: the loaded-machine study (2 seeds, 2 epochs, 800 training images,"
                            + " widths / 16, a few minutes) instead of the ~45-minute one.")
    private boolean quick;

    @Option(
            names = "--train-images",
            description =
                    "pruning: training images (default: the scale's, 5,000 or 800 with --quick).")
    private Integer trainImages;

    @Option(
            names = "--figure",
            description = "pruning: write the accuracy-against-parameters PNG here.")
    private Path figure;

    @Override
    public Integer call() throws IOException {
        TrainingLoopListener listener =
                quietOption.enabled()
                        ? TrainingLoopListener.NONE
                        : new TrainingProgressBar(spec.commandLine().getErr());
        StudyResult result;
        switch (name) {
            case "single-bottleneck":
                {
                    DatasetSplit data = Datasets.open(datasetOption.dataset(), 1, 28);
                    result =
                            SingleBottleneckStudy.run(
                                    StudySettings.builder()
                                            .setData(data)
                                            .setRecipe(Recipes.get(Recipes.SMALL))
                                            .setEpochs(epochs == null ? 3 : epochs)
                                            .setBatch(batch)
                                            .optSeed(seedOption.seed())
                                            .optListener(listener)
                                            .build());
                    break;
                }
            case "pconv-ratio":
                {
                    DatasetSplit data = Datasets.open(datasetOption.dataset(), 1, 37);
                    result =
                            PConvRatioStudy.run(
                                    StudySettings.builder()
                                            .setData(data)
                                            .setRecipe(Recipes.get(Recipes.SMALL))
                                            .setEpochs(epochs == null ? 3 : epochs)
                                            .setBatch(batch)
                                            .optImageSize(32)
                                            .optSeed(seedOption.seed())
                                            .optListener(listener)
                                            .build());
                    break;
                }
            case "pruning":
                {
                    DatasetSplit data = Datasets.open(datasetOption.dataset(), 1, 37);
                    PruningStudy.Scale scale =
                            quick ? PruningStudy.Scale.QUICK : PruningStudy.Scale.FULL;
                    scale =
                            scale.with(
                                    epochs == null ? scale.epochs() : epochs,
                                    trainImages == null ? scale.trainImages() : trainImages);
                    result = PruningStudy.run(data, scale, seedOption.seed(), listener, figure);
                    break;
                }
            default:
                throw new IllegalArgumentException(
                        "unknown study '"
                                + name
                                + "'; expected single-bottleneck, pconv-ratio or pruning");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (jsonOption.enabled()) {
            JsonOutput.print(out, result);
            return 0;
        }
        out.printf("%n%s (%s)%n%s%n%n", result.study(), result.paper(), result.setup());
        for (Map<String, Object> row : result.rows()) {
            StringBuilder line = new StringBuilder();
            for (Map.Entry<String, Object> e : row.entrySet()) {
                Object v = e.getValue();
                line.append(e.getKey())
                        .append('=')
                        .append(
                                v instanceof Double
                                        ? String.format(Locale.ROOT, "%.4g", (Double) v)
                                        : v)
                        .append("  ");
            }
            out.println(line.toString().trim());
        }
        out.println();
        for (String f : result.findings()) {
            out.println("- " + f);
        }
        out.printf(Locale.ROOT, "%nstudy time %.1f min%n", result.seconds() / 60);
        out.flush();
        return 0;
    }
}
