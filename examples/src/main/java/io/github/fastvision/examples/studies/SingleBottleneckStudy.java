package io.github.fastvision.examples.studies;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainResult;
import io.github.fastvision.training.TrainingLoopListener;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.loop.TrainingLoop;
import io.github.fastvision.training.recipe.Recipe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * pflayer §3.3 (Fig. 1) and appendix B (Fig. B.1), small-scale: one bottleneck whose spatial
 * operation is a 3×3 conv, a depthwise 3×3 conv, a 3×3 max-pool or a 3×3 average pool, at channel
 * expansion ratios 0.25, 0.5, 1 and 2 with base width 32, each trained with the same recipe and
 * seed. The paper trains on CIFAR-10; this runs on Fashion-MNIST at 28×28.
 */
public final class SingleBottleneckStudy {

    /** The expansion ratios of Fig. 1. */
    public static final double[] RATIOS = {0.25, 0.5, 1.0, 2.0};

    /** The base width. */
    public static final int WIDTH = 32;

    private SingleBottleneckStudy() {}

    /**
     * Runs the study.
     *
     * @param settings data, recipe, epochs, batch, seed and listener
     * @return rows and findings
     * @throws IOException never in practice (nothing is written)
     */
    public static StudyResult run(StudySettings settings) throws IOException {
        DatasetSplit data = settings.data();
        Recipe recipe = settings.recipe();
        int epochs = settings.epochs();
        int batch = settings.batch();
        long seed = settings.seed();
        TrainingLoopListener listener = settings.listener();
        long t0 = System.nanoTime();
        int size = data.train().height();
        int classes = data.train().classes().size();
        List<Map<String, Object>> rows = new ArrayList<>();
        Map<String, Double> accuracy = new LinkedHashMap<>();
        for (double ratio : RATIOS) {
            for (SpatialOp op : SpatialOp.values()) {
                String name =
                        String.format(Locale.ROOT, "bottleneck_%s_r%s", op.label(), trim(ratio));
                try (NDManager manager = NDManager.newBaseManager()) {
                    Engine.getInstance().setRandomSeed((int) seed);
                    SingleBottleneckNet net =
                            SingleBottleneckNet.builder()
                                    .setInChannels(data.train().channels())
                                    .setWidth(WIDTH)
                                    .setRatio(ratio)
                                    .setSpatialOp(op)
                                    .setClasses(classes)
                                    .build();
                    net.initialize(
                            manager,
                            DataType.FLOAT32,
                            new ai.djl.ndarray.types.Shape(1, data.train().channels(), size, size));
                    TrainConfig config =
                            TrainConfig.builder()
                                    .setModel(name)
                                    .setRecipe(recipe)
                                    .setEpochs(epochs)
                                    .setBatch(batch)
                                    .setImageSize(size)
                                    .optSeed(seed)
                                    .optDataset(data.train().describe())
                                    .build();
                    TrainResult r = new TrainingLoop(config, listener).fit(net, manager, data);
                    long params = ChildBlocks.trainableParameters(net);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("op", op.label());
                    row.put("ratio", ratio);
                    row.put("inner_channels", net.innerChannels());
                    row.put("params", params);
                    row.put("test_accuracy", r.testAccuracy());
                    row.put("accuracy_per_kparam", 100 * r.testAccuracy() / (params / 1000.0));
                    row.put("train_seconds", r.trainSeconds());
                    rows.add(row);
                    accuracy.put(op.label() + "@" + ratio, r.testAccuracy());
                }
            }
        }
        return new StudyResult(
                "single-bottleneck",
                "pflayer §3.3 Fig. 1 and appendix B Fig. B.1",
                String.format(
                        Locale.ROOT,
                        "%s, %dx%d, base width %d, ratios 0.25/0.5/1/2, %d epoch(s) per model, batch %d, recipe %s, seed %d",
                        data.train().describe(),
                        size,
                        size,
                        WIDTH,
                        epochs,
                        batch,
                        recipe.name(),
                        seed),
                rows,
                findings(accuracy),
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * States each of the paper's claims and whether it holds in these results.
     *
     * @param accuracy test accuracy by "op@ratio"
     * @return one sentence per claim
     */
    static List<String> findings(Map<String, Double> accuracy) {
        List<String> out = new ArrayList<>();
        int maxBeatsDw = 0;
        int maxBeatsAvg = 0;
        double gapAvg = 0;
        double gapDw = 0;
        for (double r : RATIOS) {
            double max = accuracy.get(SpatialOp.MAX_POOL.label() + "@" + r);
            double dw = accuracy.get(SpatialOp.DWCONV3X3.label() + "@" + r);
            double avg = accuracy.get(SpatialOp.AVG_POOL.label() + "@" + r);
            maxBeatsDw += max >= dw ? 1 : 0;
            maxBeatsAvg += max > avg ? 1 : 0;
            gapDw += (max - dw) / RATIOS.length;
            gapAvg += (max - avg) / RATIOS.length;
        }
        out.add(
                String.format(
                        Locale.ROOT,
                        "max-pool >= depthwise conv (paper: consistently): %s here, at %d of %d ratios (mean gap %+.2f points)",
                        maxBeatsDw == RATIOS.length
                                ? "holds"
                                : maxBeatsDw == 0 ? "does not hold" : "holds partly",
                        maxBeatsDw,
                        RATIOS.length,
                        100 * gapDw));
        out.add(
                String.format(
                        Locale.ROOT,
                        "max-pool >> avg-pool (paper: large gaps): %s here, max-pool ahead at %d of %d ratios (mean gap %+.2f"
                                + " points)",
                        maxBeatsAvg == RATIOS.length && gapAvg >= 0.01
                                ? "holds"
                                : maxBeatsAvg == 0 ? "does not hold" : "holds partly",
                        maxBeatsAvg,
                        RATIOS.length,
                        100 * gapAvg));
        double conv = accuracy.get(SpatialOp.CONV3X3.label() + "@0.25");
        double max = accuracy.get(SpatialOp.MAX_POOL.label() + "@0.25");
        out.add(
                String.format(
                        Locale.ROOT,
                        "at ratio 1/4 conv and max-pool are close (paper): conv %.2f%% vs max-pool %.2f%% (%+.2f points)",
                        100 * conv,
                        100 * max,
                        100 * (conv - max)));
        return out;
    }

    private static String trim(double r) {
        return r == Math.rint(r) ? Integer.toString((int) r) : Double.toString(r);
    }
}
