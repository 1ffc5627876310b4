package io.github.fastvision.examples.anytime;

import io.github.fastvision.core.anytime.SpatialMask;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.Blocks;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import io.github.fastvision.models.anytime.AnytimeVariant;
import io.github.fastvision.models.anytime.ExitHead;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.examples.data.FashionMnistMosaic;
import io.github.fastvision.training.metrics.SegmentationMetrics;
import io.github.fastvision.training.optim.Optimizer;
import io.github.fastvision.training.recipe.OptimizerKind;
import io.github.fastvision.training.optim.TrainableParameter;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Thesis Table 2.1 at small scale: trains (or loads) the EE, EE+RH and ADP-C anytime models on
 * Fashion-MNIST mosaics and measures, per exit, mIoU, GFLOPs per image with masks applied, and
 * wall time per image up to that exit.
 *
 * <p>Training follows the thesis's recipe shape: every exit's cross-entropy with weight 1 (Eq.
 * 2.1), AdamW with cosine decay, on {@code trainCanvas} crops; testing on larger
 * {@code testCanvas} mosaics (as HRNet trains on 512×1024 crops and tests on 1024×2048
 * images). All three variants train the same number of steps (EE's time budget fixes it).
 * ADP-C switches confidence adaptivity on after {@link Config#caWarmupFraction()} of its steps,
 * as the thesis does for pose estimation (§2.4.5), because near-uniform early predictions give
 * no confident positions to skip.
 */
public final class AnytimeExperiment {

    /**
     * The experiment's settings.
     *
     * @param model HRNet zoo name
     * @param trainCanvas training mosaic side
     * @param testCanvas test mosaic side
     * @param trainImages training mosaics
     * @param testImages test mosaics
     * @param batch training batch
     * @param evalBatch inference batch for the wall-clock measurement
     * @param trainMinutes EE's training time; the step count it reaches is used for all variants
     * @param threshold ADP-C confidence threshold for training, and for inference unless a
     *     threshold search is given
     * @param caWarmupFraction share of ADP-C's steps trained before adaptivity is switched on
     * @param learningRate AdamW peak learning rate
     * @param seed seed for data and initialization
     * @param checkpointDir where weights are saved and loaded, or null
     * @param figure where the exit visualization PNG goes, or null
     * @param maxSparseDensity above this share of computed positions a masked convolution runs
     *     densely at inference (0 = never sparse, 1 = always)
     * @param itemScale integer enlargement of the Fashion-MNIST items in the mosaics (1 = 28 pixels)
     * @param thresholdSearch how to choose ADP-C's inference threshold on held-out mosaics, or null
     *     to use {@code threshold}
     */
    public record Config(
            String model,
            int trainCanvas,
            int testCanvas,
            int trainImages,
            int testImages,
            int batch,
            int evalBatch,
            double trainMinutes,
            float threshold,
            double caWarmupFraction,
            double learningRate,
            long seed,
            Path checkpointDir,
            Path figure,
            double maxSparseDensity,
            int itemScale,
            ThresholdSearch thresholdSearch) {}

    /**
     * One exit's numbers.
     *
     * @param miou mean IoU in percent on the test mosaics
     * @param gflops multiply-adds per image up to and including this exit, masks applied (G)
     * @param wallMs wall time per image up to and including this exit (ms)
     * @param computedPercent share of exit-resolution positions still computed for this exit
     */
    public record ExitResult(double miou, double gflops, double wallMs, double computedPercent) {}

    /**
     * One variant's row of the table.
     *
     * @param exits per-exit results
     * @param trainSteps steps trained (read from the checkpoint's side file when loaded)
     * @param trainSeconds training time (likewise)
     * @param loadedFrom the checkpoint loaded, or null
     */
    public record VariantResult(List<ExitResult> exits, long trainSteps, double trainSeconds, String loadedFrom) {}

    /**
     * The whole table.
     *
     * @param variants EE, EE+RH, ADP-C
     * @param setup what was run
     * @param thresholdSearch how ADP-C's inference threshold was chosen, or null if it was given
     */
    public record Result(
            Map<String, VariantResult> variants, Map<String, Object> setup, ThresholdSearch.Outcome thresholdSearch) {}

    private AnytimeExperiment() {}

    /**
     * Runs the experiment.
     *
     * @param data Fashion-MNIST (its own train/test split feeds the mosaics)
     * @param config the settings
     * @param log progress lines (stderr), or null
     * @return the table
     * @throws IOException if checkpoints or the figure cannot be written
     */
    public static Result run(DatasetSplit data, Config config, PrintStream log) throws IOException {
        Consumer<String> say = log == null ? s -> { } : log::println;
        FashionMnistMosaic.Split train =
                FashionMnistMosaic.fromSplit(
                        data, config.trainImages(), 1, config.trainCanvas(), config.seed(), config.itemScale());
        FashionMnistMosaic.Split test =
                FashionMnistMosaic.fromSplit(
                        data, 1, config.testImages(), config.testCanvas(), config.seed() + 1, config.itemScale());
        ThresholdSearch search = config.thresholdSearch();
        FashionMnistMosaic validation = null;
        if (search != null) {
            if (search.validationImages() % config.evalBatch() != 0) {
                throw new IllegalArgumentException("validation mosaics (" + search.validationImages()
                        + ") must be a positive multiple of the inference batch (" + config.evalBatch() + ")");
            }
            validation = FashionMnistMosaic.heldOut(data.train(), train.train(), search.validationImages(),
                    config.testCanvas(), config.seed(), config.itemScale());
        }
        double referenceMiou = Double.NaN;
        ThresholdSearch.Outcome outcome = null;
        float inferenceThreshold = config.threshold();
        int classes = train.train().numClasses();
        Map<String, VariantResult> rows = new LinkedHashMap<>();
        long steps = -1;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (AnytimeVariant v : AnytimeVariant.values()) {
                try (NDManager vm = manager.newSubManager()) {
                    AnytimeSegmenter model =
                            AnytimeSegmenter.create(
                                    config.model(),
                                    new ModelOptions(classes, config.trainCanvas(), 1, 0f),
                                    v,
                                    config.threshold(),
                                    AnytimeSegmenter.defaultRadius());
                    Engine.getInstance().setRandomSeed((int) config.seed());
                    Blocks.init(model, vm, DataType.FLOAT32, new Shape(config.batch(), 1, config.trainCanvas(), config.trainCanvas()));
                    Path ckpt = config.checkpointDir() == null ? null
                            : config.checkpointDir().resolve("anytime_" + config.model() + "_" + v.name().toLowerCase(Locale.ROOT) + ".params");
                    long trained = 0;
                    double seconds = 0;
                    String loaded = null;
                    Path sidecar = ckpt == null ? null : ckpt.resolveSibling(ckpt.getFileName() + ".json");
                    if (ckpt != null && Files.exists(ckpt)) {
                        load(model, vm, ckpt);
                        loaded = ckpt.toString();
                        if (Files.exists(sidecar)) {
                            Map<?, ?> info = new com.google.gson.Gson().fromJson(Files.readString(sidecar), Map.class);
                            trained = ((Number) info.get("steps")).longValue();
                            seconds = ((Number) info.get("seconds")).doubleValue();
                            Object scale = info.get("item_scale");
                            int trainedScale = scale == null ? 1 : ((Number) scale).intValue();
                            if (trainedScale != config.itemScale()) {
                                throw new IllegalArgumentException(String.format(Locale.ROOT,
                                        "%s was trained on mosaics with items enlarged %dx, not %dx; "
                                                + "pass --item-scale %d or use another checkpoint directory",
                                        ckpt, trainedScale, config.itemScale(), trainedScale));
                            }
                            if (steps < 0) {
                                steps = trained;
                            }
                        }
                        say.accept(v.label() + ": loaded " + ckpt);
                    } else {
                        long t0 = System.nanoTime();
                        trained = train(model, vm, train.train(), config, v, steps, say);
                        seconds = (System.nanoTime() - t0) / 1e9;
                        if (steps < 0) {
                            steps = trained;
                        }
                        if (ckpt != null) {
                            save(model, ckpt);
                            Path tmp = Files.createTempFile(sidecar.toAbsolutePath().getParent(), "sidecar", ".tmp");
                            Files.writeString(tmp, String.format(Locale.ROOT,
                                    "{\"steps\": %d, \"seconds\": %.3f, \"item_scale\": %d}", trained, seconds,
                                    config.itemScale()));
                            Files.move(tmp, sidecar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                        }
                    }
                    if (validation != null && v == AnytimeVariant.EE_RH) {
                        referenceMiou = evaluate(model, vm, validation, config, null, config.threshold())
                                .get(model.numExits() - 1).miou();
                    }
                    if (validation != null && v == AnytimeVariant.ADP_C) {
                        List<ThresholdSearch.Candidate> candidates = new ArrayList<>();
                        for (float t : search.thresholds()) {
                            ExitResult last = evaluate(model, vm, validation, config, null, t).get(model.numExits() - 1);
                            candidates.add(new ThresholdSearch.Candidate(t, last.miou(), last.gflops()));
                            say.accept(String.format(Locale.ROOT, "ADP-C validation at %s: final mIoU %.2f, %.3f GFLOPs",
                                    Float.toString(t), last.miou(), last.gflops()));
                        }
                        outcome = search.choose(validation.describe(), referenceMiou, candidates);
                        inferenceThreshold = outcome.chosen().threshold();
                        say.accept(search.describe(outcome));
                    }
                    List<ExitResult> exits = evaluate(model, vm, test.test(), config,
                            v == AnytimeVariant.ADP_C ? config.figure() : null, inferenceThreshold);
                    rows.put(v.label(), new VariantResult(exits, trained, seconds, loaded));
                    say.accept(v.label() + ": " + exits);
                }
            }
        }
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("model", config.model());
        setup.put("train", train.train().describe());
        setup.put("test", test.test().describe());
        setup.put("threshold", inferenceThreshold);
        setup.put("train_threshold", config.threshold());
        if (outcome != null) {
            Map<String, Object> found = new LinkedHashMap<>();
            found.put("validation", outcome.validation());
            found.put("reference_miou", outcome.referenceMiou());
            found.put("tolerance_miou", search.toleranceMiou());
            List<Map<String, Object>> rowsOut = new ArrayList<>();
            for (ThresholdSearch.Candidate c : outcome.candidates()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("threshold", c.threshold());
                row.put("miou", c.miou());
                row.put("gflops", c.gflops());
                rowsOut.add(row);
            }
            found.put("candidates", rowsOut);
            found.put("chosen", outcome.chosen().threshold());
            found.put("within_tolerance", outcome.withinTolerance());
            setup.put("threshold_search", found);
        }
        setup.put("item_scale", config.itemScale());
        setup.put("batch", config.batch());
        setup.put("eval_batch", config.evalBatch());
        setup.put("max_sparse_density", config.maxSparseDensity());
        setup.put("threads", Runtime.getRuntime().availableProcessors());
        return new Result(rows, setup, outcome);
    }

    /**
     * Cross-entropy of every exit (weight 1, Eq. 2.1) against per-pixel labels; scores are
     * bilinearly upsampled to the label size.
     *
     * @param exits per-exit scores (N, K, h, w)
     * @param labels (N, H, W) int64
     * @return the summed loss
     */
    public static NDArray loss(NDList exits, NDArray labels) {
        Shape ls = labels.getShape();
        NDArray total = null;
        for (NDArray logits : exits) {
            int k = (int) logits.getShape().get(1);
            NDArray up = ExitHead.resize(logits, ls.get(1), ls.get(2));
            NDArray logp = up.logSoftmax(1);
            NDArray onehot = labels.oneHot(k).transpose(0, 3, 1, 2);
            NDArray ce = logp.mul(onehot).sum(new int[] {1}).mean().neg();
            total = total == null ? ce : total.add(ce);
        }
        return total;
    }

    private static long train(
            AnytimeSegmenter model,
            NDManager manager,
            FashionMnistMosaic data,
            Config config,
            AnytimeVariant v,
            long fixedSteps,
            Consumer<String> say) {
        List<TrainableParameter> params = TrainableParameter.of(model);
        Optimizer opt = Optimizer.create(OptimizerKind.ADAMW, params, 0.05);
        ParameterStore ps = new ParameterStore(manager, false);
        int batches = data.size() / config.batch();
        long deadline = System.nanoTime() + (long) (config.trainMinutes() * 60e9);
        long step = 0;
        long estimate = fixedSteps > 0 ? fixedSteps : Math.max(1, (long) (config.trainMinutes() * 60 * 2));
        double lossSum = 0;
        long t0 = System.nanoTime();
        while (fixedSteps > 0 ? step < fixedSteps : System.nanoTime() < deadline) {
            int b = (int) (step % batches);
            double progress = fixedSteps > 0 ? step / (double) fixedSteps
                    : Math.min(1.0, (System.nanoTime() - t0) / (config.trainMinutes() * 60e9));
            double lr = config.learningRate() * 0.5 * (1 + Math.cos(Math.PI * progress));
            boolean ca = v.confidenceAdaptivity() && progress >= config.caWarmupFraction();
            try (NDManager sub = manager.newSubManager()) {
                NDArray[] xy = data.batch(sub, b * config.batch(), (b + 1) * config.batch());
                NDList outs;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    outs = ca ? model.forwardExits(ps, xy[0], true)
                            : forwardWithoutAdaptivity(model, ps, xy[0]);
                    NDArray l = loss(outs, xy[1]);
                    float value = l.getFloat();
                    if (!Float.isFinite(value)) {
                        throw new IllegalStateException(String.format(Locale.ROOT,
                                "%s training diverged at step %d: loss %s%s; no weights were saved", v.label(), step,
                                value, ca ? " (confidence adaptivity on)" : ""));
                    }
                    lossSum += value;
                    gc.backward(l);
                }
                opt.step((float) lr);
            }
            step++;
            if (step % 25 == 0) {
                say.accept(String.format(Locale.ROOT, "%s step %d%s loss %.3f lr %.2e %.1f img/s%s", v.label(), step,
                        fixedSteps > 0 ? "/" + fixedSteps : "", lossSum / 25, lr,
                        step * config.batch() / ((System.nanoTime() - t0) / 1e9), ca ? " (CA on)" : ""));
                lossSum = 0;
            }
        }
        say.accept(String.format(Locale.ROOT, "%s trained %d steps in %.1f s", v.label(), step, (System.nanoTime() - t0) / 1e9));
        return step;
    }

    /** ADP-C's warm-up: the same exits with the threshold at 1 (no position skipped). */
    private static NDList forwardWithoutAdaptivity(AnytimeSegmenter model, ParameterStore ps, NDArray x) {
        if (!model.variant().confidenceAdaptivity()) {
            return model.forwardExits(ps, x, true);
        }
        NDList out = new NDList(model.numExits());
        try (AnytimeSegmenter.Pass pass = model.begin(ps, x, true, false, 1f)) {
            while (pass.hasNext()) {
                out.add(pass.next().logits());
            }
        }
        return out;
    }

    private static List<ExitResult> evaluate(
            AnytimeSegmenter model, NDManager manager, FashionMnistMosaic test, Config config, Path figure,
            float threshold) throws IOException {
        int n = model.numExits();
        List<SegmentationMetrics> metrics = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            metrics.add(new SegmentationMetrics(test.numClasses()));
        }
        long[] macs = new long[n];
        double[] wallNs = new double[n];
        double[] computed = new double[n];
        long images = 0;
        ParameterStore ps = new ParameterStore(manager, false);
        model.setMaxSparseDensity(config.maxSparseDensity());
        boolean recording = Autograd.isRecording();
        Autograd.setRecording(false);
        try {
            int eb = config.evalBatch();
            int batches = test.size() / eb;
            for (int b = -1; b < batches; b++) {
                // Batch -1 (the first batch's images) warms up the kernels and caches and is not
                // counted; it also feeds the figure, so collecting masks stays out of the timing.
                boolean warmUp = b < 0;
                int from = Math.max(b, 0) * eb;
                try (NDManager sub = manager.newSubManager()) {
                    NDArray[] xy = test.batch(sub, from, from + eb);
                    long t0 = System.nanoTime();
                    List<NDArray> outs = new ArrayList<>();
                    List<NDArray> masks = new ArrayList<>();
                    long[] ends = new long[n];
                    try (AnytimeSegmenter.Pass pass = model.begin(ps, xy[0], false, true, threshold)) {
                        int i = 0;
                        while (pass.hasNext()) {
                            AnytimeSegmenter.ExitOutput o = pass.next();
                            o.logits().getFloat(0, 0, 0, 0); // wait for the exit's result
                            ends[i] = System.nanoTime() - t0;
                            outs.add(o.logits());
                            if (warmUp) {
                                SpatialMask m = pass.currentMask();
                                masks.add(m == null ? null : m.base().compute().duplicate());
                            } else {
                                macs[i] += o.macs();
                                computed[i] += o.computedFraction() * eb;
                            }
                            i++;
                        }
                        if (warmUp && figure != null) {
                            // Inside the pass: the masks' arrays are released when it closes.
                            writeFigure(figure, test, outs, masks);
                        }
                    }
                    if (warmUp) {
                        continue;
                    }
                    Shape ls = xy[1].getShape();
                    for (int k = 0; k < n; k++) {
                        wallNs[k] += ends[k];
                        NDArray pred = ExitHead.resize(outs.get(k), ls.get(1), ls.get(2)).argMax(1);
                        metrics.get(k).update(pred, xy[1]);
                    }
                    images += eb;
                }
            }
        } finally {
            Autograd.setRecording(recording);
        }
        List<ExitResult> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(new ExitResult(
                    metrics.get(k).meanIoU(),
                    macs[k] / 1e9 / images,
                    wallNs[k] / 1e6 / images,
                    100 * computed[k] / images));
        }
        return out;
    }

    private static void writeFigure(Path png, FashionMnistMosaic test, List<NDArray> outs, List<NDArray> masks)
            throws IOException {
        NDArray first = outs.get(0);
        int h = (int) first.getShape().get(2);
        int w = (int) first.getShape().get(3);
        int canvas = test.canvas();
        int step = canvas / h;
        float[] image = new float[canvas * canvas];
        int[] labels = new int[canvas * canvas];
        test.image(0, image);
        test.labels(0, labels);
        float[] small = new float[h * w];
        int[] gt = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                small[y * w + x] = image[(y * step + step / 2) * canvas + x * step + step / 2];
                gt[y * w + x] = labels[(y * step + step / 2) * canvas + x * step + step / 2];
            }
        }
        List<int[]> preds = new ArrayList<>();
        List<float[]> confs = new ArrayList<>();
        List<boolean[]> computed = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) {
            NDArray logits = outs.get(k).get("0:1");
            preds.add(logits.argMax(1).toType(DataType.INT32, false).toIntArray());
            confs.add(logits.softmax(1).max(new int[] {1}).toFloatArray());
            boolean[] c = new boolean[h * w];
            NDArray m = k == 0 ? null : masks.get(k - 1);
            float[] mv = m == null ? null : m.get("0:1").toFloatArray();
            for (int p = 0; p < c.length; p++) {
                c[p] = mv == null || mv[p] > 0.5f;
            }
            computed.add(c);
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        AnytimeFigure.write(png, small, h, gt, preds, confs, computed, test.classes(), Math.max(1, 256 / h));
    }

    /**
     * Saves a model's parameters atomically (temporary file, then rename).
     *
     * @param model the model
     * @param file the target
     * @throws IOException if writing fails
     */
    public static void save(AnytimeSegmenter model, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); DataOutputStream dos = new DataOutputStream(os)) {
            model.saveParameters(dos);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Loads parameters saved by {@link #save}; a file for another variant or size fails before
     * the model changes (it is read into a scratch copy first).
     *
     * @param model an initialized model
     * @param manager its manager
     * @param file the file
     * @throws IOException if the file is unreadable or does not match
     */
    public static void load(AnytimeSegmenter model, NDManager manager, Path file) throws IOException {
        AnytimeSegmenter scratch =
                AnytimeSegmenter.create(model.base().getName(), model.base().getOptions(), model.variant(),
                        model.threshold(), model.radius());
        try (NDManager sm = manager.newSubManager()) {
            Blocks.init(scratch, sm, DataType.FLOAT32, new Shape(1, 1, 64, 64));
            try (InputStream is = Files.newInputStream(file); DataInputStream dis = new DataInputStream(is)) {
                scratch.loadParameters(sm, dis);
            } catch (RuntimeException | IOException | ai.djl.MalformedModelException e) {
                throw new IOException("cannot load " + file + " as " + model.variant().label() + " "
                        + model.base().getName() + " parameters: " + e.getMessage(), e);
            }
            var src = scratch.getParameters();
            var dst = model.getParameters();
            for (int i = 0; i < dst.size(); i++) {
                Pair<String, Parameter> d = dst.get(i);
                d.getValue().getArray().set(src.get(i).getValue().getArray().toByteBuffer());
            }
        }
    }
}
