package io.github.fastvision.examples.studies;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.runtime.InferenceMode;
import io.github.fastvision.core.runtime.MedianLatency;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.fasternet.FasterNet;
import io.github.fastvision.models.fasternet.FasterNetVariant;
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
 * fasternet Table 5 (partial ratio), small-scale: FasterNet-T0 with r = 1/2, 1/4 and 1/8 trained on
 * Fashion-MNIST at 1×32×32 with the same recipe and seed; accuracy, parameters, FLOPs, and CPU
 * latency in inference mode (BN folded, PConv slicing, autograd off) both for the trained 32×32
 * model and for the ImageNet-size model (3×224×224, 1000 classes, as Table 5 measures it). The
 * paper's T0* rows also change width and depth to equalize complexity; here only r changes.
 */
public final class PConvRatioStudy {

    /** The ratios of Table 5. */
    public static final double[] RATIOS = {0.5, 0.25, 0.125};

    private static final int WARMUP = 5;
    private static final int RUNS = 25;

    private PConvRatioStudy() {}

    /**
     * Runs the study.
     *
     * @param settings data, recipe, epochs, batch, input side, seed and listener
     * @return rows and findings
     * @throws IOException never in practice (nothing is written)
     */
    public static StudyResult run(StudySettings settings) throws IOException {
        DatasetSplit data = settings.data();
        Recipe recipe = settings.recipe();
        int epochs = settings.epochs();
        int batch = settings.batch();
        int imageSize = settings.imageSize();
        long seed = settings.seed();
        TrainingLoopListener listener = settings.listener();
        long t0 = System.nanoTime();
        List<Map<String, Object>> rows = new ArrayList<>();
        int classes = data.train().classes().size();
        int channels = data.train().channels();
        for (double r : RATIOS) {
            String name = "fasternet_t0_r1/" + Math.round(1 / r);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", name);
            row.put("partial_ratio", r);
            try (NDManager manager = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed((int) seed);
                ModelOptions.Builder b =
                        ModelOptions.builder()
                                .setNumClasses(classes)
                                .optInputSize(imageSize)
                                .optInChannels(channels);
                if (recipe.dropPath() >= 0) {
                    b.optDropPath(recipe.dropPath());
                }
                ModelOptions options = b.build();
                VisionModel model = FasterNet.create(FasterNetVariant.T0, options, r);
                model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
                TrainConfig config =
                        TrainConfig.builder()
                                .setModel(name)
                                .setRecipe(recipe)
                                .setEpochs(epochs)
                                .setBatch(batch)
                                .setImageSize(imageSize)
                                .optSeed(seed)
                                .optDataset(data.train().describe())
                                .build();
                TrainResult result = new TrainingLoop(config, listener).fit(model, manager, data);
                Cost small = model.cost(model.inputShape(1));
                row.put("test_accuracy", result.testAccuracy());
                row.put("params_small", small.params());
                row.put("mflops_small", small.macs() / 1e6);
                row.put("latency_ms_small", latencyMs(model, manager));
                row.put("train_seconds", result.trainSeconds());
            }
            try (NDManager manager = NDManager.newBaseManager()) {
                VisionModel imagenet =
                        FasterNet.create(FasterNetVariant.T0, ModelOptions.IMAGENET, r);
                Cost cost = imagenet.cost(imagenet.inputShape(1));
                imagenet.initialize(manager, DataType.FLOAT32, imagenet.inputShape(1));
                row.put("params_m_224", cost.params() / 1e6);
                row.put("gflops_224", cost.macs() / 1e9);
                row.put("latency_ms_224", latencyMs(imagenet, manager));
            }
            rows.add(row);
        }
        return new StudyResult(
                "pconv-ratio",
                "fasternet Table 5 (partial ratio r)",
                String.format(
                        Locale.ROOT,
                        "%s at %dx%d, FasterNet-T0 with r = 1/2, 1/4, 1/8 (width and depth unchanged), %d epoch(s), batch"
                                + " %d, recipe %s, seed %d; latency: batch 1, inference mode, median of %d runs, %d"
                                + " intra-op thread(s)",
                        data.train().describe(),
                        imageSize,
                        imageSize,
                        epochs,
                        batch,
                        recipe.name(),
                        seed,
                        RUNS,
                        JniUtils.getNumThreads()),
                rows,
                findings(rows),
                (System.nanoTime() - t0) / 1e9);
    }

    static List<String> findings(List<Map<String, Object>> rows) {
        Map<String, Object> half = rows.get(0);
        Map<String, Object> quarter = rows.get(1);
        Map<String, Object> eighth = rows.get(2);
        double aq = (double) quarter.get("test_accuracy");
        double ah = (double) half.get("test_accuracy");
        double ae = (double) eighth.get("test_accuracy");
        List<String> out = new ArrayList<>();
        out.add(
                String.format(
                        Locale.ROOT,
                        "paper: r = 1/4 is the best trade-off (71.9%% vs 71.7%% at 1/2 and 71.3%% at 1/8). Here: 1/2 %.2f%%, 1/4"
                                + " %.2f%%, 1/8 %.2f%%; r = 1/4 is %s",
                        100 * ah,
                        100 * aq,
                        100 * ae,
                        aq >= ah && aq >= ae
                                ? "the most accurate"
                                : aq >= ae ? "ahead of 1/8 but behind 1/2" : "behind 1/8"));
        double lh = (double) half.get("latency_ms_224");
        double lq = (double) quarter.get("latency_ms_224");
        double le = (double) eighth.get("latency_ms_224");
        String fastest = lq <= lh && lq <= le ? "1/4" : le <= lh ? "1/8" : "1/2";
        out.add(
                String.format(
                        Locale.ROOT,
                        "latency at 224x224: 1/2 %.2f ms, 1/4 %.2f ms, 1/8 %.2f ms; fastest here: r = %s (paper CPU: 9.0, 8.2,"
                                + " 8.2 ms for the re-balanced T0* models)",
                        lh,
                        lq,
                        le,
                        fastest));
        return out;
    }

    /** Median batch-1 latency in inference mode; the model is switched back afterwards. */
    private static double latencyMs(VisionModel model, NDManager manager) {
        InferenceMode.enter(model);
        try {
            ParameterStore ps = new ParameterStore(manager, false);
            Shape in = model.inputShape(1);
            return MedianLatency.ms(
                    WARMUP,
                    RUNS,
                    lap -> {
                        try (NDManager sub = manager.newSubManager()) {
                            NDArray x = sub.randomNormal(in);
                            lap.start();
                            model.forward(ps, new NDList(x), false)
                                    .singletonOrThrow()
                                    .getFloat(0, 0);
                        }
                    });
        } finally {
            InferenceMode.exit(model);
        }
    }
}
