package io.github.fastvision.examples.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.models.runtime.Precision;
import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.quantize.Int8Quantizer;
import io.github.fastvision.onnx.quantize.QuantizationMethod;
import io.github.fastvision.onnx.quantize.Sensitivity;
import io.github.fastvision.onnx.quantize.ZooQuantizer;
import io.github.fastvision.onnx.runtime.OnnxRuntimeSession;
import io.github.fastvision.onnx.runtime.OrtEnvironments;
import io.github.fastvision.training.data.BatchLoader;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.Datasets;
import io.github.fastvision.training.data.ImageDataset;
import io.github.fastvision.training.data.TrainingBatch;
import io.github.fastvision.training.data.transform.Pipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
            description =
                    "Activation ranges: minmax, percentile (99.999) or entropy (KL) (default:"
                            + " ${DEFAULT-VALUE}).")
    private String method;

    @Option(
            names = "--keep-fp32",
            split = ",",
            paramLabel = "PATTERN",
            description =
                    "Layers kept in fp32: globs (* is any run of characters) matched anywhere in a"
                            + " layer's name, e.g. stem or stages_3*fc; a pattern that names no"
                            + " layer is an error that lists the layer names.")
    private List<String> keepFp32 = List.of();

    @Option(
            names = "--bias-correction",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Correct each convolution's bias for the mean error of its int8 weights,"
                            + " measured on the calibration images (default: on).")
    private boolean biasCorrection;

    @Option(
            names = "--fp32-residuals",
            description =
                    "Keep the residual stream in fp32: residual Adds read their identity input"
                            + " unrounded, while each block's convolutions still run in int8"
                            + " (more accurate for deep residual networks, slower; --max-drop"
                            + " tries it first).")
    private boolean fp32Residuals;

    @Option(
            names = "--eval",
            description =
                    "A dataset (as `evaluate --dataset`) whose test split is classified by the fp32"
                            + " and the int8 model, for their top-1 accuracy.")
    private String eval;

    @Option(
            names = "--max-drop",
            paramLabel = "POINTS",
            description =
                    "With --eval: when int8 top-1 is more than POINTS below fp32's, try the"
                            + " residual stream in fp32, then measure each layer alone in fp32 and"
                            + " keep the most recovering ones in fp32, one at a time, until the"
                            + " drop is within POINTS (or all are kept).")
    private Double maxDrop;

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
            List<String> keepFp32Patterns,
            List<String> keptFp32Layers,
            boolean fp32Residuals,
            int biasCorrected,
            String out,
            Double fp32Top1,
            Double int8Top1,
            Double maxDrop,
            Sensitivity.Result sensitivity) {}

    @Override
    public Integer call() throws IOException {
        QuantizationMethod m = QuantizationMethod.parse(method);
        ZooQuantizer.checkOut(out);
        Sensitivity.Budget budget = null;
        if (maxDrop != null) {
            if (eval == null) {
                throw new IllegalArgumentException("--max-drop needs --eval (the held-out images)");
            }
            if (!(maxDrop >= 0 && maxDrop <= 100)) {
                throw new IllegalArgumentException(
                        "--max-drop must be in 0..100 points but was " + maxDrop);
            }
            budget = new Sensitivity.Budget(maxDrop, evaluator(evalBatches()));
        }
        Int8Quantizer.Options options =
                Int8Quantizer.Options.of(m)
                        .withKeepFp32(keepFp32)
                        .withBiasCorrection(biasCorrection)
                        .withFp32Residuals(fp32Residuals);
        ZooQuantizer.Report r =
                ZooQuantizer.quantize(
                        model, weights, calibration, samples, options, strict, budget, out);
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
                        keepFp32,
                        r.keptLayers(),
                        r.fp32Residuals(),
                        r.biasCorrected(),
                        r.out(),
                        fp32,
                        int8,
                        maxDrop,
                        r.sensitivity());
        PrintWriter o = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonOutput.print(o, report);
        } else {
            o.printf(
                    Locale.ROOT,
                    "%s quantized to int8 (%s, %d images, %.1f s) -> %s; %d values in uint8, %d"
                            + " compute nodes kept in fp32 (%d layers by --keep-fp32), residual"
                            + " stream in %s, %d biases corrected%n",
                    r.model(),
                    r.method(),
                    r.samples(),
                    r.calibrationSeconds(),
                    r.out(),
                    r.quantizedValues(),
                    r.keptFp32().size(),
                    r.keptLayers().size(),
                    r.fp32Residuals() ? "fp32" : "uint8",
                    r.biasCorrected());
            Sensitivity.Result sr = r.sensitivity();
            if (sr != null) {
                o.printf(
                        Locale.ROOT,
                        "sensitivity pass (--max-drop %.2f): int8 top-1 %.2f%% -> %.2f%% against"
                                + " fp32 %.2f%%, residual stream in %s, %d layers kept in fp32:"
                                + " %s%n",
                        maxDrop,
                        100 * sr.int8Top1Before(),
                        100 * sr.int8Top1(),
                        100 * sr.fp32Top1(),
                        sr.fp32Residuals() ? "fp32" : "uint8",
                        sr.kept().size(),
                        String.join(", ", sr.kept()));
            }
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

    /** The test split of --eval, preprocessed as the model's fp32 runtime does. */
    private List<TrainingBatch> evalBatches() throws IOException {
        try (ModelRuntime runtime =
                ModelRuntime.builder()
                        .setModel(model)
                        .optWeights(weights)
                        .optPrecision(Precision.FP32)
                        .optEngine(InferenceEngine.ONNX_RUNTIME)
                        .build()) {
            int size = runtime.preprocessor().size();
            int channels = runtime.preprocessor().channels();
            DatasetSplit data = Datasets.open(eval, channels, Datasets.storeSize(size));
            List<TrainingBatch> batches = new ArrayList<>();
            try (BatchLoader loader =
                    BatchLoader.builder()
                            .setData(data.test())
                            .setTransform(Pipeline.evaluation(size, channels), size)
                            .setBatchSize(64)
                            .build()) {
                Iterator<TrainingBatch> it = loader.epoch(0);
                while (it.hasNext()) {
                    batches.add(it.next());
                }
            }
            return batches;
        }
    }

    /** Top-1 of an ONNX model on preprocessed batches, with ONNX Runtime. */
    private static Sensitivity.Evaluator evaluator(List<TrainingBatch> batches) {
        return onnx -> {
            OrtEnvironment env = OrtEnvironments.shared();
            int correct = 0;
            int total = 0;
            try (OrtSession.SessionOptions o = OnnxRuntimeSession.newOptions();
                    OrtSession session = env.createSession(onnx, o)) {
                for (TrainingBatch b : batches) {
                    try (OnnxTensor x =
                                    OnnxTensor.createTensor(
                                            env,
                                            FloatBuffer.wrap(b.images()),
                                            new long[] {
                                                b.size(), b.channels(), b.height(), b.width()
                                            });
                            OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT, x))) {
                        FloatBuffer logits = ((OnnxTensor) r.get(0)).getFloatBuffer();
                        int classes = logits.remaining() / b.size();
                        for (int i = 0; i < b.size(); i++) {
                            int best = 0;
                            for (int k = 1; k < classes; k++) {
                                best =
                                        logits.get(i * classes + k) > logits.get(i * classes + best)
                                                ? k
                                                : best;
                            }
                            correct += best == b.labels()[i] ? 1 : 0;
                            total++;
                        }
                    }
                }
            }
            return (double) correct / total;
        };
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
