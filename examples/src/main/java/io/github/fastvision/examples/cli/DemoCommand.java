package io.github.fastvision.examples.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import com.google.gson.annotations.SerializedName;
import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.report.PeakShare;
import io.github.fastvision.benchmarks.report.ReportWriter;
import io.github.fastvision.benchmarks.suite.BenchSettings;
import io.github.fastvision.benchmarks.suite.Suites;
import io.github.fastvision.core.OperatorCatalog;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.fasternet.FasterNetBlock;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.BatchNormFolding;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.pconv.PartialConv2d;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.core.runtime.MedianLatency;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.inference.ClassPredictor;
import io.github.fastvision.models.inference.Prediction;
import io.github.fastvision.models.runtime.Precision;
import io.github.fastvision.onnx.quantize.QuantizationMethod;
import io.github.fastvision.onnx.quantize.ZooQuantizer;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainResult;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.Datasets;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.InMemoryDataset;
import io.github.fastvision.training.loop.ZooTrainer;
import io.github.fastvision.training.progress.TrainingProgressBar;
import io.github.fastvision.training.recipe.Recipes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The README's main job: a short tour that works on a fresh machine. It runs every core operator on
 * random input (operator, input and output shape, parameters, latency), checks the numeric
 * identities the library relies on, runs one model of each zoo family at ImageNet size, and
 * measures fasternet Table 1 quickly on this machine.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run every operator on random input and verify the numeric identities.")
public final class DemoCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Mixin private JsonOption json;

    @Option(
            names = "--repeats",
            defaultValue = "5",
            description =
                    "Timed forward passes per operator (median reported; default ${DEFAULT-VALUE}).")
    private int repeats;

    @Option(
            names = "--bench-iteration-ms",
            defaultValue = "" + BenchSettings.DEFAULT_QUICK_ITERATION_MS,
            description =
                    "Length of each measurement iteration of the quick operator benchmark in ms (at least 10; shorter finishes sooner and measures more roughly; default ${DEFAULT-VALUE}).")
    private int benchIterationMs;

    /**
     * One operator's row. {@code medianMs} keeps the camelCase key demo has always printed (the
     * JSON helper would print {@code median_ms}).
     */
    record OperatorRow(
            String name,
            String source,
            long[] input,
            long[] output,
            long params,
            @SerializedName("medianMs") double medianMs) {}

    /** One numeric identity check; {@code maxAbsDiff} keeps its published camelCase key. */
    record Check(
            String name,
            @SerializedName("maxAbsDiff") double maxAbsDiff,
            double tolerance,
            boolean passed) {}

    /** One zoo model's forward pass. */
    record ModelRow(String name, long params, long flops, long[] input, long[] output, double ms) {}

    /** The JSON document. */
    record Report(
            String engine,
            int threads,
            List<OperatorRow> operators,
            List<Check> checks,
            List<ModelRow> models,
            BenchReport bench,
            TrainingRow training,
            PredictRow predict,
            Int8Row int8) {}

    /**
     * The trained model quantized to int8 ({@code fastvision quantize}) and run on the same PNGs as
     * {@link PredictRow}, beside the fp32 model on ONNX Runtime.
     */
    record Int8Row(
            String directory,
            int calibrationImages,
            double fp32Accuracy,
            double int8Accuracy,
            double fp32MsPerImage,
            double int8MsPerImage,
            double allowedDrop,
            boolean withinMargin) {}

    /** The largest int8 top-1 drop below fp32 the demo accepts: 2 points of accuracy. */
    static final double INT8_MARGIN = 0.02;

    /**
     * {@code predict} on Fashion-MNIST test images written as PNG, classified by the demo's trained
     * weights, against {@code evaluate} on the same images.
     */
    record PredictRow(
            int images,
            String directory,
            double accuracy,
            double evaluateAccuracy,
            boolean matchesEvaluate,
            double seconds) {}

    /** The short training run on the bundled Fashion-MNIST subset. */
    record TrainingRow(
            String model,
            String dataset,
            int epochs,
            double testAccuracy,
            double trainSeconds,
            double imagesPerSecond,
            String out) {}

    @Option(
            names = "--train-epochs",
            defaultValue = "6",
            description =
                    "Epochs of the demo's training run on the bundled Fashion-MNIST subset (0 skips it; default ${DEFAULT-VALUE}).")
    private int trainEpochs;

    @Option(
            names = "--train-out",
            defaultValue = "target/demo-train",
            description = "Run directory of the demo's training run (default ${DEFAULT-VALUE}).")
    private Path trainOut;

    @Option(
            names = "--bench-out",
            defaultValue = "target/bench",
            description =
                    "Where the quick operator benchmark writes JSON, Markdown and charts (default ${DEFAULT-VALUE}).")
    private Path benchOut;

    /** One model per family, at ImageNet size: what the zoo looks like on this machine. */
    private static final List<String> TOUR =
            List.of(
                    "fasternet_t0",
                    "rexnet_100",
                    "resnet50_hybrid",
                    "convnext_tiny",
                    "vit_small_maxpool");

    @Override
    public Integer call() {
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be >= 1 but was " + repeats);
        }
        if (benchIterationMs < 10) {
            throw new IllegalArgumentException(
                    "--bench-iteration-ms must be >= 10 but was " + benchIterationMs);
        }
        Autograd.disable();
        Engine engine = Engine.getEngine("PyTorch");
        List<OperatorRow> rows = new ArrayList<>();
        for (OperatorCatalog.Entry e : OperatorCatalog.entries()) {
            rows.add(measure(e));
        }
        List<Check> checks = List.of(pconvModes(), batchNormFolding(), deformableZeroOffsets());
        List<ModelRow> models = new ArrayList<>();
        for (String name : TOUR) {
            models.add(runModel(name));
        }
        BenchReport bench = quickBench();
        TrainingRow training = trainEpochs > 0 ? shortTraining() : null;
        PredictRow predict = training != null ? predictPngs() : null;
        Int8Row int8 = predict != null ? quantizeAndCompare(predict) : null;
        Report report =
                new Report(
                        engine.getEngineName() + " " + engine.getVersion(),
                        JniUtils.getNumThreads(),
                        rows,
                        checks,
                        models,
                        bench,
                        training,
                        predict,
                        int8);
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonOutput.print(out, report);
        } else {
            printText(out, report);
        }
        boolean predictOk = predict == null || predict.matchesEvaluate();
        boolean int8Ok = int8 == null || int8.withinMargin();
        return checks.stream().allMatch(Check::passed) && predictOk && int8Ok ? 0 : 1;
    }

    private OperatorRow measure(OperatorCatalog.Entry e) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = e.factory().get();
            block.initialize(manager, DataType.FLOAT32, e.input());
            ParameterStore ps = new ParameterStore(manager, false);
            long[][] output = new long[1][];
            double ms =
                    MedianLatency.ms(
                            2,
                            repeats,
                            lap -> {
                                try (NDManager batch = manager.newSubManager()) {
                                    NDArray x = batch.randomNormal(e.input());
                                    lap.start();
                                    NDArray y =
                                            block.forward(ps, new NDList(x), false)
                                                    .singletonOrThrow();
                                    y.getFloat(new long[y.getShape().dimension()]);
                                    lap.stop();
                                    output[0] = y.getShape().getShape();
                                }
                            });
            return new OperatorRow(
                    e.name(),
                    e.source(),
                    e.input().getShape(),
                    output[0],
                    ChildBlocks.trainableParameters(block),
                    ms);
        }
    }

    /** fasternet_t0 on the bundled subset at 1×32×32, the small recipe: about a minute. */
    private TrainingRow shortTraining() {
        try {
            DatasetSplit data = FashionMnist.loadBundledSubset();
            TrainConfig config =
                    TrainConfig.builder()
                            .setModel("fasternet_t0")
                            .setRecipe(Recipes.get(Recipes.SMALL))
                            .setEpochs(trainEpochs)
                            .setBatch(64)
                            .setImageSize(32)
                            .optSeed(42)
                            .optDataset(Datasets.FASHION_MNIST_SUBSET)
                            .optOut(trainOut)
                            .build();
            TrainResult r =
                    ZooTrainer.train(
                            config,
                            data,
                            json.enabled()
                                    ? TrainingLoopListener.NONE
                                    : new TrainingProgressBar(spec.commandLine().getErr()));
            return new TrainingRow(
                    r.model(),
                    data.train().describe(),
                    r.epochs(),
                    r.testAccuracy(),
                    r.trainSeconds(),
                    r.imagesPerSecond(),
                    trainOut.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo training run to " + trainOut, e);
        }
    }

    /** Images per class the predict step writes as PNG. */
    private static final int PREDICT_PER_CLASS = 10;

    /**
     * Writes Fashion-MNIST test images of the bundled subset as PNG, classifies them with {@code
     * predict}'s library path and evaluates the same images with {@code evaluate}'s.
     */
    private PredictRow predictPngs() {
        try {
            InMemoryDataset images =
                    ((InMemoryDataset) FashionMnist.loadBundledSubset().test())
                            .balancedSubset(PREDICT_PER_CLASS);
            Path dir = trainOut.resolve("predict-images");
            List<Path> files = writePngs(images, dir);
            long start = System.nanoTime();
            int correct = 0;
            try (ClassPredictor predictor =
                    ClassPredictor.builder()
                            .setModel("fasternet_t0")
                            .optWeights(trainOut)
                            .optTopK(1)
                            .build()) {
                List<Prediction> predictions = predictor.predictFiles(files);
                for (int i = 0; i < files.size(); i++) {
                    correct += predictions.get(i).best().index() == images.label(i) ? 1 : 0;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double evaluated = ZooTrainer.evaluate(trainOut, "fasternet_t0", images, 32).accuracy();
            return new PredictRow(
                    files.size(),
                    dir.toString(),
                    (double) correct / files.size(),
                    evaluated,
                    correct == Math.round(evaluated * files.size()),
                    seconds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo's PNG images to " + trainOut, e);
        }
    }

    /**
     * Quantizes the trained model, calibrated on 64 training images written as PNG, and classifies
     * the predict step's PNGs with the fp32 and the int8 model on ONNX Runtime, batch 1.
     */
    private Int8Row quantizeAndCompare(PredictRow predict) {
        try {
            InMemoryDataset train =
                    ((InMemoryDataset) FashionMnist.loadBundledSubset().train()).balancedSubset(7);
            Path calibration = trainOut.resolve("calibration-images");
            writePngs(train, calibration);
            Path out = trainOut.resolve("int8");
            AtomicFiles.deleteTree(out);
            ZooQuantizer.quantize(
                    "fasternet_t0",
                    trainOut,
                    calibration,
                    64,
                    QuantizationMethod.MINMAX,
                    false,
                    out);
            List<Path> files;
            try (java.util.stream.Stream<Path> s = Files.list(Path.of(predict.directory()))) {
                files = s.sorted().toList();
            }
            List<Integer> labels = new ArrayList<>();
            for (Path f : files) {
                String name = f.getFileName().toString();
                labels.add(classIndex(name.substring(name.indexOf('_') + 1, name.length() - 4)));
            }
            double[] fp32 = accuracyAndMs(out, Precision.FP32, files, labels);
            double[] int8 = accuracyAndMs(out, Precision.INT8, files, labels);
            return new Int8Row(
                    out.toString(),
                    64,
                    fp32[0],
                    int8[0],
                    fp32[1],
                    int8[1],
                    INT8_MARGIN,
                    int8[0] >= fp32[0] - INT8_MARGIN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot quantize the demo's model in " + trainOut, e);
        }
    }

    /** Writes a dataset's images as grayscale PNGs named {@code <index>_<class>.png}. */
    private static List<Path> writePngs(InMemoryDataset images, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            Path file =
                    dir.resolve(
                            String.format(
                                    java.util.Locale.ROOT,
                                    "%03d_%s.png",
                                    i,
                                    images.classes().get(images.label(i)).replace('/', '-')));
            files.add(images.writePng(i, file));
        }
        return files;
    }

    private static int classIndex(String fileClass) {
        List<String> classes = FashionMnist.CLASSES;
        for (int k = 0; k < classes.size(); k++) {
            if (classes.get(k).replace('/', '-').equals(fileClass)) {
                return k;
            }
        }
        throw new IllegalStateException("no Fashion-MNIST class " + fileClass);
    }

    /** Top-1 accuracy and median milliseconds per image at batch 1 on ONNX Runtime. */
    private static double[] accuracyAndMs(
            Path weights, Precision precision, List<Path> files, List<Integer> labels)
            throws IOException {
        try (ClassPredictor p =
                ClassPredictor.builder()
                        .setModel("fasternet_t0")
                        .optWeights(weights)
                        .optEngine(InferenceEngine.ONNX_RUNTIME)
                        .optPrecision(precision)
                        .optTopK(1)
                        .build()) {
            int correct = 0;
            double[] ms = new double[files.size()];
            for (int i = 0; i < files.size(); i++) {
                var image = p.decoder().decode(files.get(i));
                long t = System.nanoTime();
                Prediction pred = p.predict(List.of(image)).get(0);
                ms[i] = (System.nanoTime() - t) / 1e6;
                correct += pred.best().index() == labels.get(i) ? 1 : 0;
            }
            Arrays.sort(ms);
            return new double[] {(double) correct / files.size(), ms[ms.length / 2]};
        }
    }

    /** fasternet Table 1 at batch 1 on one thread, `bench ops --quick --batch 1`. */
    private BenchReport quickBench() {
        try {
            Files.createDirectories(benchOut);
            BenchReport report =
                    Suites.OPS.run(
                            BenchSettings.builder()
                                    .optBatches(List.of(1))
                                    .optQuick(true)
                                    .optQuickIterationMs(benchIterationMs)
                                    .setLog(benchOut.resolve("demo_jmh.log"))
                                    .build());
            ReportWriter.write(report, benchOut);
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark report to " + benchOut, e);
        }
    }

    private ModelRow runModel(String name) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Backbone model = ModelRegistry.model(name);
            Cost cost = model.cost();
            Shape in = model.inputShape(1);
            model.initialize(manager, DataType.FLOAT32, in);
            ParameterStore ps = new ParameterStore(manager, false);
            long[][] output = new long[1][];
            double ms =
                    MedianLatency.ms(
                            1,
                            repeats,
                            lap -> {
                                try (NDManager batch = manager.newSubManager()) {
                                    NDArray x = batch.randomNormal(in);
                                    lap.start();
                                    NDArray y =
                                            model.forward(ps, new NDList(x), false)
                                                    .singletonOrThrow();
                                    y.getFloat(0, 0);
                                    lap.stop();
                                    output[0] = y.getShape().getShape();
                                }
                            });
            return new ModelRow(name, cost.params(), cost.macs(), in.getShape(), output[0], ms);
        }
    }

    private static NDArray run(Block block, NDArray x) {
        return block.forward(new ParameterStore(x.getManager(), false), new NDList(x), false)
                .singletonOrThrow();
    }

    private static double maxAbs(NDArray a) {
        return a.abs().max().toType(DataType.FLOAT64, false).getDouble();
    }

    private static Check pconvModes() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(1, 64, 28, 28);
            PartialConv2d pconv = PartialConv2d.builder().setChannels(64).build();
            pconv.initialize(m, DataType.FLOAT32, in);
            NDArray x = m.randomNormal(in);
            NDArray split = run(pconv, x);
            pconv.setMode(PartialConv2d.Mode.SLICING);
            double diff = maxAbs(split.sub(run(pconv, x)));
            return new Check("pconv SPLIT_CAT == SLICING", diff, 0, diff == 0);
        }
    }

    private static Check batchNormFolding() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(1, 64, 28, 28);
            FasterNetBlock block =
                    FasterNetBlock.builder().setChannels(64).optAct(Act.GELU).build();
            block.initialize(m, DataType.FLOAT32, in);
            block.getParameters()
                    .forEach(
                            p -> {
                                if (p.getKey().endsWith("runningVar")) {
                                    p.getValue()
                                            .getArray()
                                            .set(
                                                    m.randomUniform(
                                                                    0.5f,
                                                                    2f,
                                                                    p.getValue()
                                                                            .getArray()
                                                                            .getShape())
                                                            .toFloatArray());
                                } else if (p.getKey().endsWith("runningMean")) {
                                    p.getValue()
                                            .getArray()
                                            .set(
                                                    m.randomNormal(
                                                                    p.getValue()
                                                                            .getArray()
                                                                            .getShape())
                                                            .toFloatArray());
                                }
                            });
            NDArray x = m.randomNormal(in);
            NDArray reference = run(block, x);
            BatchNormFolding.fold(block);
            double rel = maxAbs(run(block, x).sub(reference)) / maxAbs(reference);
            return new Check("BN folding (relative)", rel, 1e-4, rel <= 1e-4);
        }
    }

    private static Check deformableZeroOffsets() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(1, 32, 14, 14);
            DeformablePool2d pool = DeformablePool2d.builder().setChannels(32).optStride(2).build();
            pool.initialize(m, DataType.FLOAT32, in);
            NDArray x = m.randomNormal(in);
            double diff = maxAbs(run(pool, x).sub(Pool2d.pool(x, Pool2d.Mode.MAX, 3, 2, 1)));
            return new Check(
                    "deformable max-pool, zero offsets == max-pool", diff, 1e-6, diff <= 1e-6);
        }
    }

    private static String shape(long[] dims) {
        return new Shape(dims).toString();
    }

    private static void printText(PrintWriter out, Report r) {
        out.println(
                "fastvision demo: every core operator on random input ("
                        + r.engine()
                        + ", "
                        + r.threads()
                        + " threads, eval mode, autograd off)");
        out.println();
        TextTable table =
                new TextTable("operator:", "paper:", "input:", "output:", "params", "time (ms)");
        for (OperatorRow row : r.operators()) {
            table.add(
                    row.name(),
                    row.source(),
                    shape(row.input()),
                    shape(row.output()),
                    String.format("%,d", row.params()),
                    String.format("%.3f", row.medianMs()));
        }
        table.print(out);
        out.println();
        TextTable checks = new TextTable("numeric check:", "max |diff|", "tolerance", "result:");
        for (Check c : r.checks()) {
            checks.add(
                    c.name(),
                    String.format("%.2e", c.maxAbsDiff()),
                    String.format("%.0e", c.tolerance()),
                    c.passed() ? "ok" : "FAILED");
        }
        checks.print(out);
        out.println();
        out.println(
                "zoo models at 224x224, batch 1, random weights (`fastvision zoo` lists all "
                        + ModelRegistry.list("*").size()
                        + "):");
        out.println();
        TextTable models = new TextTable("model:", "params (M)", "GFLOPs", "output:", "time (ms)");
        for (ModelRow m : r.models()) {
            models.add(
                    m.name(),
                    String.format("%.2f", m.params() / 1e6),
                    String.format("%.2f", m.flops() / 1e9),
                    shape(m.output()),
                    String.format("%.1f", m.ms()));
        }
        models.print(out);
        BenchReport b = r.bench();
        out.println();
        out.printf(
                "fasternet Table 1 on this machine (`fastvision bench ops --quick --batch 1`, 1 thread, peak %.1f G"
                        + " multiply-adds/s; full runs: `fastvision bench ops`):%n%n",
                b.peakFlopsPerS() / 1e9);
        TextTable ops = new TextTable("operator:", "input:", "latency (ms)", "GFLOPS", "% peak");
        for (BenchRow row : b.rows()) {
            ops.add(
                    row.name(),
                    row.input()[0] + "x" + row.input()[1] + "x" + row.input()[2],
                    String.format("%.2f", row.latencyMs()),
                    String.format("%.2f", row.flopsPerS() / 1e9),
                    PeakShare.cell(row.flopsPerS(), b.peakFlopsPerS()));
        }
        ops.print(out);
        PeakShare.note(b.rows().stream().mapToDouble(BenchRow::flopsPerS), b.peakFlopsPerS())
                .ifPresent(out::println);
        out.println();
        for (BenchReport.Finding f : b.findings()) {
            if (f.target() == null || f.met() == null) {
                out.printf("%s: %.2f%n", f.name(), f.value());
            } else {
                out.printf(
                        "%s: %.2f measured here (target %s: %s)%n",
                        f.name(),
                        f.value(),
                        f.target(),
                        f.met() ? "reached" : "not reached on this machine");
            }
        }
        if (b.findings().stream().anyMatch(f -> Boolean.FALSE.equals(f.met()))) {
            out.println(BenchReport.Finding.MISSED_NOTE);
        }
        TrainingRow t = r.training();
        if (t != null) {
            out.println();
            out.printf(
                    "Training (`fastvision train --model fasternet_t0 --dataset fashion-mnist-subset`): %s, %d epochs,"
                            + " test accuracy %.2f%%, %.1f s, %.0f images/s; metrics.csv, metrics.png and %s.fvw in %s%n",
                    t.model(),
                    t.epochs(),
                    100 * t.testAccuracy(),
                    t.trainSeconds(),
                    t.imagesPerSecond(),
                    t.model(),
                    t.out());
        }
        PredictRow p = r.predict();
        if (p != null) {
            out.printf(
                    "Predict (`fastvision predict --model fasternet_t0 --weights %s %s`): %d PNGs,"
                            + " accuracy %.2f%% (evaluate on the same images: %.2f%%, %s), %.2f s%n",
                    t.out(),
                    p.directory(),
                    p.images(),
                    100 * p.accuracy(),
                    100 * p.evaluateAccuracy(),
                    p.matchesEvaluate() ? "equal" : "DIFFERENT",
                    p.seconds());
        }
        Int8Row q = r.int8();
        if (q != null) {
            out.printf(
                    "INT8 (`fastvision quantize`, %d calibration PNGs -> %s), same PNGs on ONNX"
                            + " Runtime, batch 1: fp32 %.2f%% at %.2f ms/image, int8 %.2f%% at %.2f"
                            + " ms/image (%s: int8 within %.0f points of fp32)%n",
                    q.calibrationImages(),
                    q.directory(),
                    100 * q.fp32Accuracy(),
                    q.fp32MsPerImage(),
                    100 * q.int8Accuracy(),
                    q.int8MsPerImage(),
                    q.withinMargin() ? "ok" : "FAILED",
                    100 * q.allowedDrop());
        }
        out.flush();
    }
}
