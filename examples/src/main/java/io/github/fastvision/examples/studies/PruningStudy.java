package io.github.fastvision.examples.studies;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.ParameterNames;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.cifar.CifarVariant;
import io.github.fastvision.pruning.ChannelSelection;
import io.github.fastvision.pruning.PrunableModels;
import io.github.fastvision.pruning.budget.PruningRecipes;
import io.github.fastvision.pruning.budget.TrainingBudget;
import io.github.fastvision.pruning.methods.ChannelPruning;
import io.github.fastvision.pruning.methods.GuidedPruning;
import io.github.fastvision.pruning.methods.L1NormFilterPruning;
import io.github.fastvision.pruning.methods.MagnitudePruning;
import io.github.fastvision.pruning.methods.NetworkSlimming;
import io.github.fastvision.pruning.methods.UniformPruning;
import io.github.fastvision.pruning.surgery.Surgery;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainResult;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.ImageDataset;
import io.github.fastvision.training.data.ImageSubset;
import io.github.fastvision.training.loop.TrainingLoop;
import io.github.fastvision.training.recipe.Recipe;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * Thesis chapter 3 at small scale on Fashion-MNIST (padded to 32×32): a narrowed VGG-16 with BN
 * trained, pruned and retrained with the budgets of §3.4.3. Tables 3.1 (L1-norm, VGG-16-A), 3.4
 * (Network Slimming, 60%), 3.6 (magnitude, 80% of convolution weights): unpruned, fine-tuned,
 * Scratch-E and Scratch-B, mean ± std over seeds. Fig. 3.3/3.6: Slimming-pruned, uniformly pruned
 * and guided architectures, all trained from scratch, accuracy against parameters (a PNG). §3.7:
 * winning ticket against random re-initialization of the magnitude-pruned network at learning rates
 * 0.1 and 0.01.
 */
public final class PruningStudy {

    /**
     * How big the study is.
     *
     * @param seeds runs per table entry (mean ± std over them)
     * @param epochs the large model's epochs
     * @param trainImages training images, evenly spread over the set
     * @param testImages test images, evenly spread over the set
     * @param widthDivisor VGG-16's widths divided by this
     * @param figureRatios the Slimming ratios of the figure
     * @param batch the batch size (the learning rate follows it by the linear scaling rule)
     */
    public record Scale(
            int seeds,
            int epochs,
            int trainImages,
            int testImages,
            int widthDivisor,
            double[] figureRatios,
            int batch) {

        /**
         * The study of docs/results/pruning.md: 3 seeds, 6 epochs, 5,000 training and 1,000 test
         * images, widths / 8, three ratios in the figure; 43 minutes on the 2-core machine at one
         * engine thread (75 training runs).
         */
        public static final Scale FULL =
                new Scale(3, 6, 5000, 1000, 8, new double[] {0.4, 0.6, 0.8}, 64);

        /**
         * The loaded-machine run: 2 seeds, 2 epochs, 800 training and 500 test images, widths / 16,
         * two ratios in the figure.
         */
        public static final Scale QUICK =
                new Scale(2, 2, 800, 500, 16, new double[] {0.5, 0.8}, 32);

        /** Checks the values. */
        public Scale {
            if (seeds < 1
                    || epochs < 1
                    || trainImages < 1
                    || testImages < 1
                    || widthDivisor < 1
                    || batch < 1) {
                throw new IllegalArgumentException(
                        "study scale: seeds, epochs, images and width divisor must be >= 1 but were "
                                + seeds
                                + ", "
                                + epochs
                                + ", "
                                + trainImages
                                + "/"
                                + testImages
                                + ", "
                                + widthDivisor);
            }
        }

        /**
         * Returns a copy with other epochs and training images.
         *
         * @param epochs the large model's epochs, >= 1
         * @param trainImages training images, >= 1
         * @return the scale
         */
        public Scale with(int epochs, int trainImages) {
            return new Scale(
                    seeds, epochs, trainImages, testImages, widthDivisor, figureRatios, batch);
        }
    }

    /** The model of every table: VGG-16 with BN. */
    public static final String MODEL = "vgg16_bn_cifar";

    private static final int IMAGE_SIZE = 32;
    private static final double SLIMMING_RATIO = 0.6;
    private static final double MAGNITUDE_RATIO = 0.8;

    private final DatasetSplit data;
    private final Scale scale;
    private final long seed0;
    private final TrainingLoopListener listener;
    private final ModelOptions options;
    private final int[] baseWidths;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Map<String, List<Double>> accuracies = new LinkedHashMap<>();
    private final Map<String, double[]> costs = new LinkedHashMap<>();

    private PruningStudy(DatasetSplit data, Scale scale, long seed, TrainingLoopListener listener) {
        this.data =
                new DatasetSplit(
                        subset(data.train(), scale.trainImages),
                        subset(data.test(), scale.testImages));
        this.scale = scale;
        this.seed0 = seed;
        this.listener = listener;
        this.options =
                ModelOptions.builder()
                        .setNumClasses(data.train().classes().size())
                        .optInputSize(IMAGE_SIZE)
                        .optInChannels(data.train().channels())
                        .build();
        int[] full = CifarVariant.VGG16_BN_CIFAR.defaultWidths();
        this.baseWidths = new int[full.length];
        for (int i = 0; i < full.length; i++) {
            baseWidths[i] = Math.max(1, full[i] / scale.widthDivisor);
        }
    }

    /**
     * Runs the study.
     *
     * @param data Fashion-MNIST (training images are subsampled to the scale's count)
     * @param scale the size
     * @param seed the first seed (the others follow)
     * @param listener training progress
     * @param figure where to write the PNG of accuracy against parameters, or null
     * @return rows (one per table entry, mean ± std over seeds) and findings
     * @throws IOException if the figure cannot be written
     */
    public static StudyResult run(
            DatasetSplit data, Scale scale, long seed, TrainingLoopListener listener, Path figure)
            throws IOException {
        long t0 = System.nanoTime();
        PruningStudy study = new PruningStudy(data, scale, seed, listener);
        for (int s = 0; s < scale.seeds; s++) {
            study.runSeed(seed + s);
        }
        study.summarize();
        List<String> findings = study.findings();
        if (figure != null) {
            study.writeFigure(figure);
        }
        return new StudyResult(
                "pruning",
                "thesis chapter 3 (Liu et al., Rethinking the Value of Network Pruning): Tables 3.1,"
                        + " 3.4, 3.6, Fig. 3.3, §3.6.3, §3.7",
                String.format(
                        Locale.ROOT,
                        "%s, %d training images (every %s-th of the set), %d test images (evenly"
                                + " spread), padded to"
                                + " %dx%d; %s with widths / %d (%s); SGD Nesterov lr 0.1 at batch 64 (scaled linearly), batch %d,"
                                + " wd 1e-4, step decay x0.1 at 1/3 and 2/3; %d epochs for the large"
                                + " model (fine-tune: a quarter at the lowest lr; Scratch-B: epochs x"
                                + " min(2, FLOPs ratio)); seeds %d..%d; slimming lambda %.0e, ratio"
                                + " %.0f%%; magnitude %.0f%% global",
                        data.train().describe(),
                        study.data.train().size(),
                        String.format(
                                Locale.ROOT,
                                "%.2f",
                                data.train().size() / (double) study.data.train().size()),
                        study.data.test().size(),
                        IMAGE_SIZE,
                        IMAGE_SIZE,
                        MODEL,
                        scale.widthDivisor,
                        java.util.Arrays.toString(study.baseWidths),
                        scale.batch,
                        scale.epochs,
                        seed,
                        seed + scale.seeds - 1,
                        NetworkSlimming.LAMBDA_VGG,
                        100 * SLIMMING_RATIO,
                        100 * MAGNITUDE_RATIO),
                study.rows,
                findings,
                (System.nanoTime() - t0) / 1e9);
    }

    private void runSeed(long seed) throws IOException {
        Recipe lr01 = PruningRecipes.cifar(0.1);
        Recipe lr001 = PruningRecipes.cifar(0.01);
        TrainConfig large = config(lr01, scale.epochs, seed);
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel base = build(baseWidths, seed, m);
            float[][] init = snapshot(base);
            record("unpruned", base, train(base, m, large, TrainingLoopListener.NONE));
            List<ChannelGroup> groups = PrunableModels.groups(base, "study");
            double baseMacs = base.cost().macs();

            // Table 3.1: L1-norm, VGG-16-A.
            ChannelSelection l1 = L1NormFilterPruning.vgg16A().select(groups);
            structured("l1 VGG-16-A", base, l1, large, baseMacs, seed, m);

            // Table 3.6 and §3.7 at lr 0.1: magnitude masks from the trained model.
            MagnitudePruning.Masks masks =
                    MagnitudePruning.masks(base, MAGNITUDE_RATIO, MagnitudePruning.Scope.GLOBAL);
            double sparseRatio = baseMacs / sparseMacs(base, masks);
            masks.apply();
            record(
                    "magnitude 80% fine-tuned",
                    base,
                    train(
                            base,
                            m,
                            TrainingBudget.FINE_TUNE.configure(large, sparseRatio),
                            masks.listener()));
            for (TrainingBudget b : List.of(TrainingBudget.SCRATCH_E, TrainingBudget.SCRATCH_B)) {
                VisionModel fresh = build(baseWidths, seed + 1000, m);
                MagnitudePruning.Masks fm = masks.on(fresh);
                fm.rescaleInitialization();
                record(
                        "magnitude 80% " + label(b),
                        fresh,
                        train(fresh, m, b.configure(large, sparseRatio), fm.listener()));
            }
            lottery("lr 0.1", masks, init, large, seed, m);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            // §3.7 at lr 0.01: its own large model, initialization and masks.
            TrainConfig small = config(lr001, scale.epochs, seed);
            VisionModel base = build(baseWidths, seed, m);
            float[][] init = snapshot(base);
            record("unpruned lr 0.01", base, train(base, m, small, TrainingLoopListener.NONE));
            MagnitudePruning.Masks masks =
                    MagnitudePruning.masks(base, MAGNITUDE_RATIO, MagnitudePruning.Scope.GLOBAL);
            lottery("lr 0.01", masks, init, small, seed, m);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            // Table 3.4 and Fig. 3.3: a large model trained with the sparsity penalty.
            VisionModel base = build(baseWidths, seed, m);
            List<ChannelGroup> groups = PrunableModels.groups(base, "study");
            record(
                    "unpruned (sparsity)",
                    base,
                    train(
                            base,
                            m,
                            large,
                            NetworkSlimming.penalty(groups, NetworkSlimming.LAMBDA_VGG)));
            double baseMacs = base.cost().macs();
            ChannelSelection slim = ChannelPruning.slimming(SLIMMING_RATIO).select(groups);
            structured("slimming 60%", base, slim, large, baseMacs, seed, m);
            for (double r : scale.figureRatios) {
                int[] pruned = ChannelPruning.slimming(r).select(groups).widths();
                String pct = String.format(Locale.ROOT, "%.0f%%", 100 * r);
                scratch("figure pruned " + pct, pruned, large, seed, m);
                scratch("figure uniform " + pct, UniformPruning.widths(groups, r), large, seed, m);
                scratch(
                        "figure guided " + pct,
                        GuidedPruning.widths(groups, List.of(pruned)),
                        large,
                        seed,
                        m);
            }
        }
    }

    private void structured(
            String method,
            VisionModel base,
            ChannelSelection selection,
            TrainConfig large,
            double baseMacs,
            long seed,
            NDManager m)
            throws IOException {
        VisionModel pruned = Surgery.apply(base, selection, m);
        double ratio = Math.max(1, baseMacs / pruned.cost().macs());
        record(
                method + " fine-tuned",
                pruned,
                train(
                        pruned,
                        m,
                        TrainingBudget.FINE_TUNE.configure(large, ratio),
                        TrainingLoopListener.NONE));
        for (TrainingBudget b : List.of(TrainingBudget.SCRATCH_E, TrainingBudget.SCRATCH_B)) {
            VisionModel fresh = build(selection.widths(), seed + 1000, m);
            record(
                    method + " " + label(b),
                    fresh,
                    train(fresh, m, b.configure(large, ratio), TrainingLoopListener.NONE));
        }
    }

    private void scratch(String label, int[] widths, TrainConfig large, long seed, NDManager m)
            throws IOException {
        VisionModel fresh = build(widths, seed + 2000, m);
        record(label, fresh, train(fresh, m, large, TrainingLoopListener.NONE));
    }

    /** The winning ticket (original initialization, masked) against a random re-initialization. */
    private void lottery(
            String lr,
            MagnitudePruning.Masks masks,
            float[][] init,
            TrainConfig config,
            long seed,
            NDManager m)
            throws IOException {
        VisionModel ticket = build(baseWidths, seed, m);
        restore(ticket, init);
        MagnitudePruning.Masks tm = masks.on(ticket);
        tm.apply();
        record(
                "lottery " + lr + " winning ticket",
                ticket,
                train(ticket, m, config, tm.listener()));
        VisionModel random = build(baseWidths, seed + 3000, m);
        MagnitudePruning.Masks rm = masks.on(random);
        rm.apply();
        record("lottery " + lr + " random init", random, train(random, m, config, rm.listener()));
    }

    private static String label(TrainingBudget b) {
        return b == TrainingBudget.SCRATCH_E ? "Scratch-E" : "Scratch-B";
    }

    private TrainConfig config(Recipe recipe, int epochs, long seed) {
        return TrainConfig.builder()
                .setModel(MODEL)
                .setRecipe(recipe)
                .setEpochs(epochs)
                .setBatch(scale.batch)
                .setImageSize(IMAGE_SIZE)
                .optSeed(seed)
                .optDataset(data.train().describe())
                .build();
    }

    private VisionModel build(int[] widths, long seed, NDManager m) {
        Engine.getInstance().setRandomSeed((int) seed);
        VisionModel model = ModelRegistry.create(MODEL, options.withWidths(widths));
        model.initialize(m, DataType.FLOAT32, model.inputShape(1));
        return model;
    }

    private TrainResult train(
            VisionModel model, NDManager m, TrainConfig config, TrainingLoopListener hook)
            throws IOException {
        return new TrainingLoop(config, TrainingLoopListener.all(listener, hook))
                .fit(model, m, data);
    }

    private void record(String label, VisionModel model, TrainResult result) {
        accuracies.computeIfAbsent(label, k -> new ArrayList<>()).add(result.testAccuracy());
        Cost c = model.cost();
        costs.putIfAbsent(label, new double[] {c.params(), c.macs()});
    }

    /** The FLOPs a masked network needs when zero weights are skipped (convolutions scale). */
    private static double sparseMacs(VisionModel model, MagnitudePruning.Masks masks) {
        // Every VGG layer's MACs are its weights times its output positions; with one global
        // mask the density per layer differs, so count layer by layer.
        Cost c = model.cost();
        double dense = c.macs();
        double removed = 0;
        List<ai.djl.nn.Parameter> convs = MagnitudePruning.convolutionWeights(model);
        int size = IMAGE_SIZE;
        int layer = 0;
        int[] depths = CifarVariant.VGG16_BN_CIFAR.depths();
        for (int s = 0; s < depths.length; s++) {
            for (int j = 0; j < depths[s]; j++) {
                long positions = (long) size * size;
                removed +=
                        (1 - masks.density(layer)) * convs.get(layer).getArray().size() * positions;
                layer++;
            }
            size /= 2;
        }
        return Math.max(1, dense - removed);
    }

    private void summarize() {
        for (Map.Entry<String, List<Double>> e : accuracies.entrySet()) {
            List<Double> a = e.getValue();
            double mean = a.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double var = 0;
            for (double x : a) {
                var += (x - mean) * (x - mean);
            }
            double std = a.size() > 1 ? Math.sqrt(var / (a.size() - 1)) : 0;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("entry", e.getKey());
            row.put("params", costs.get(e.getKey())[0]);
            row.put("mflops", costs.get(e.getKey())[1] / 1e6);
            row.put("accuracy_mean", mean);
            row.put("accuracy_std", std);
            row.put("accuracies", List.copyOf(a));
            rows.add(row);
        }
    }

    private double mean(String label) {
        return accuracies.getOrDefault(label, List.of()).stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElse(Double.NaN);
    }

    private List<String> findings() {
        List<String> out = new ArrayList<>();
        for (String method : List.of("l1 VGG-16-A", "slimming 60%")) {
            double ft = mean(method + " fine-tuned");
            double sb = mean(method + " Scratch-B");
            double se = mean(method + " Scratch-E");
            out.add(
                    String.format(
                            Locale.ROOT,
                            "%s: Scratch-B %.2f%% vs fine-tuned %.2f%% (Scratch-E %.2f%%): the"
                                    + " chapter's finding (Scratch-B >= fine-tuned for structured"
                                    + " pruning) %s here",
                            method,
                            100 * sb,
                            100 * ft,
                            100 * se,
                            sb >= ft ? "holds" : "does not hold"));
        }
        double mft = mean("magnitude 80% fine-tuned");
        double msb = mean("magnitude 80% Scratch-B");
        out.add(
                String.format(
                        Locale.ROOT,
                        "magnitude 80%%: Scratch-B %.2f%% vs fine-tuned %.2f%% (the chapter: on CIFAR"
                                + " on par up to 80%%, fine-tuning ahead at 95%%)",
                        100 * msb,
                        100 * mft));
        int wins = 0;
        StringBuilder detail = new StringBuilder();
        for (double r : scale.figureRatios) {
            String pct = String.format(Locale.ROOT, "%.0f%%", 100 * r);
            double ap = mean("figure pruned " + pct);
            double au = mean("figure uniform " + pct);
            double pp = costs.get("figure pruned " + pct)[0];
            double pu = costs.get("figure uniform " + pct)[0];
            // Pruned wins when it is at least as accurate with no more parameters, or when it
            // needs fewer parameters per accuracy point than the uniform net.
            boolean win = (ap >= au && pp <= pu) || (ap / pp > au / pu && ap >= au - 0.005);
            wins += win ? 1 : 0;
            detail.append(
                    String.format(
                            Locale.ROOT,
                            " %s: pruned %.2f%% with %.0f params, uniform %.2f%% with %.0f, guided"
                                    + " %.2f%%;",
                            pct,
                            100 * ap,
                            pp,
                            100 * au,
                            pu,
                            100 * mean("figure guided " + pct)));
        }
        out.add(
                String.format(
                        Locale.ROOT,
                        "Fig. 3.3 (VGG, trained from scratch):%s pruned architectures beat uniform"
                                + " ones at %d of %d ratios: the finding %s here",
                        detail,
                        wins,
                        scale.figureRatios.length,
                        wins * 2 > scale.figureRatios.length ? "holds" : "does not hold"));
        double w1 = mean("lottery lr 0.1 winning ticket");
        double r1 = mean("lottery lr 0.1 random init");
        double w2 = mean("lottery lr 0.01 winning ticket");
        double r2 = mean("lottery lr 0.01 random init");
        boolean holds = w2 - r2 > 0 && w1 - r1 <= w2 - r2;
        out.add(
                String.format(
                        Locale.ROOT,
                        "§3.7 lottery ticket (magnitude 80%%): lr 0.1 winning %.2f%% vs random %.2f%%;"
                                + " lr 0.01 winning %.2f%% vs random %.2f%%: the finding (the"
                                + " winning ticket helps only at the small rate) %s here",
                        100 * w1,
                        100 * r1,
                        100 * w2,
                        100 * r2,
                        holds ? "holds" : "does not hold"));
        return out;
    }

    private void writeFigure(Path png) throws IOException {
        XYChart chart =
                new XYChartBuilder()
                        .width(800)
                        .height(520)
                        .title("Pruned vs uniform vs guided, trained from scratch (" + MODEL + ")")
                        .xAxisTitle("parameters")
                        .yAxisTitle("test accuracy (%)")
                        .build();
        String[] kinds = {"pruned", "uniform", "guided"};
        Color[] colors = {new Color(31, 119, 180), new Color(214, 39, 40), new Color(44, 160, 44)};
        for (int k = 0; k < kinds.length; k++) {
            double[] x = new double[scale.figureRatios.length];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                String label =
                        String.format(
                                Locale.ROOT,
                                "figure %s %.0f%%",
                                kinds[k],
                                100 * scale.figureRatios[i]);
                x[i] = costs.get(label)[0];
                y[i] = 100 * mean(label);
            }
            XYSeries s = chart.addSeries(kinds[k], x, y);
            s.setLineColor(colors[k]);
            s.setMarkerColor(colors[k]);
        }
        Path target = png.toAbsolutePath();
        Files.createDirectories(target.getParent());
        AtomicFiles.write(
                target,
                out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    private static float[][] snapshot(VisionModel model) {
        List<ParameterNames.Named> ps = ParameterNames.of(model);
        float[][] out = new float[ps.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ps.get(i).parameter().getArray().toFloatArray();
        }
        return out;
    }

    private static void restore(VisionModel model, float[][] values) {
        List<ParameterNames.Named> ps = ParameterNames.of(model);
        for (int i = 0; i < values.length; i++) {
            ps.get(i).parameter().getArray().set(values[i]);
        }
    }

    /** Every k-th image so that {@code n} remain, spread over the whole (class-balanced) set. */
    static ImageDataset subset(ImageDataset source, int n) {
        if (n >= source.size()) {
            return source;
        }
        BitSet excluded = new BitSet(source.size());
        Function<Integer, Long> bucket = i -> (long) i * n / source.size();
        for (int i = 0; i < source.size(); i++) {
            if (i > 0 && bucket.apply(i).equals(bucket.apply(i - 1))) {
                excluded.set(i);
            }
        }
        return ImageSubset.excluding(source, excluded);
    }
}
