package io.github.fastvision.examples.cli;

import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.models.runtime.Precision;
import io.github.fastvision.onnx.quantize.QuantizationMethod;
import io.github.fastvision.onnx.quantize.ZooQuantizer;
import io.github.fastvision.training.data.BatchLoader;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.Datasets;
import io.github.fastvision.training.data.ImageDataset;
import io.github.fastvision.training.data.TrainingBatch;
import io.github.fastvision.training.data.transform.Pipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Post-training int8 quantization of a zoo classifier, calibrated on the user's images. */
@Command(
        name = "quantize",
        mixinStandardHelpOptions = true,
        description =
                "Quantize a zoo classifier to int8 for ONNX Runtime, calibrated on a directory of"
                        + " images: --out DIR is then taken as weights by predict, embed, run,"
                        + " bench, Criteria and Spark, which run it in int8.")
public final class QuantizeCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Option(
            names = "--model",
            required = true,
            description = "Zoo model name (see `fastvision zoo`).")
    private String model;

    @Option(
            names = "--weights",
            description =
                    "Weights (.fvw file or the directory `train`/`import --out` wrote); random"
                            + " initialization without it.")
    private Path weights;

    @Option(
            names = "--calibration",
            required = true,
            description = "Directory of calibration images (PNG/JPEG, walked recursively).")
    private Path calibration;

    @Option(
            names = "--samples",
            defaultValue = "256",
            description = "Calibration images used, 1..100000 (default: ${DEFAULT-VALUE}).")
    private int samples;

    @Option(
            names = "--method",
            defaultValue = "minmax",
            description = "Activation ranges: minmax or percentile (default: ${DEFAULT-VALUE}).")
    private String method;

    @Option(
            names = "--eval",
            description =
                    "A dataset (as `evaluate --dataset`) whose test split is classified by the fp32"
                            + " and the int8 model, for their top-1 accuracy.")
    private String eval;

    @Option(
            names = "--strict",
            description = "Fail on an undecodable calibration file instead of skipping it.")
    private boolean strict;

    @Option(names = "--out", required = true, description = "Output directory (new or empty).")
    private Path out;

    @Mixin private JsonOption json;

    /** The JSON document. */
    record Report(
            String model,
            String method,
            int samples,
            int skipped,
            double calibrationSeconds,
            int quantizedValues,
            List<String> keptFp32,
            String out,
            Double fp32Top1,
            Double int8Top1) {}

    @Override
    public Integer call() throws IOException {
        QuantizationMethod m = QuantizationMethod.parse(method);
        ZooQuantizer.Report r =
                ZooQuantizer.quantize(model, weights, calibration, samples, m, strict, out);
        PrintWriter err = spec.commandLine().getErr();
        for (String s : r.skipped()) {
            err.println("skipped " + s);
        }
        Double fp32 = null;
        Double int8 = null;
        if (eval != null) {
            fp32 = accuracy(Precision.FP32);
            int8 = accuracy(Precision.INT8);
        }
        Report report =
                new Report(
                        r.model(),
                        r.method(),
                        r.samples(),
                        r.skipped().size(),
                        r.calibrationSeconds(),
                        r.quantizedValues(),
                        r.keptFp32(),
                        r.out(),
                        fp32,
                        int8);
        PrintWriter o = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonOutput.print(o, report);
        } else {
            o.printf(
                    Locale.ROOT,
                    "%s quantized to int8 (%s, %d images, %.1f s) -> %s; %d values in uint8, %d"
                            + " compute nodes kept in fp32%n",
                    r.model(),
                    r.method(),
                    r.samples(),
                    r.calibrationSeconds(),
                    r.out(),
                    r.quantizedValues(),
                    r.keptFp32().size());
            if (fp32 != null) {
                o.printf(
                        Locale.ROOT,
                        "top-1 on %s: fp32 %.2f%%, int8 %.2f%%%n",
                        eval,
                        100 * fp32,
                        100 * int8);
            }
            o.flush();
        }
        return 0;
    }

    /** Top-1 of the quantized directory's model on the dataset's test split. */
    private double accuracy(Precision precision) throws IOException {
        try (ModelRuntime runtime =
                ModelRuntime.builder()
                        .setModel(model)
                        .optWeights(out)
                        .optPrecision(precision)
                        .optEngine(InferenceEngine.ONNX_RUNTIME)
                        .build()) {
            int size = runtime.preprocessor().size();
            int channels = runtime.preprocessor().channels();
            DatasetSplit data = Datasets.open(eval, channels, Datasets.storeSize(size));
            ImageDataset test = data.test();
            int correct = 0;
            int total = 0;
            try (BatchLoader loader =
                    BatchLoader.builder()
                            .setData(test)
                            .setTransform(Pipeline.evaluation(size, channels), size)
                            .setBatchSize(64)
                            .build()) {
                Iterator<TrainingBatch> it = loader.epoch(0);
                while (it.hasNext()) {
                    TrainingBatch b = it.next();
                    float[][] logits = runtime.run(b.images(), b.size());
                    for (int i = 0; i < logits.length; i++) {
                        int best = 0;
                        for (int k = 1; k < logits[i].length; k++) {
                            best = logits[i][k] > logits[i][best] ? k : best;
                        }
                        correct += best == b.labels()[i] ? 1 : 0;
                        total++;
                    }
                }
            }
            return (double) correct / total;
        }
    }
}
