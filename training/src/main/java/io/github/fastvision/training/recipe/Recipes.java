package io.github.fastvision.training.recipe;

import static io.github.fastvision.training.recipe.OptimizerKind.ADAMW;
import static io.github.fastvision.training.recipe.OptimizerKind.SGD;
import static io.github.fastvision.training.recipe.OptimizerKind.SGD_NESTEROV;
import static io.github.fastvision.training.recipe.ScheduleKind.COSINE;
import static io.github.fastvision.training.recipe.ScheduleKind.STEP;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The papers' training tables, one row per recipe. Values a paper states are copied as stated;
 * where it is silent the row says what was assumed. RandAugment and random erasing, which some rows
 * use on ImageNet, are not part of fastvision's augmentations and are left out of the rows.
 */
public final class Recipes {

    /** The default recipe for small datasets (Fashion-MNIST, users' folders). */
    public static final String SMALL = "small";

    private static final Map<String, Recipe> RECIPES = new LinkedHashMap<>();

    static {
        // fastvision's own small-data recipe: FasterNet's optimizer and regularizers, a larger
        // learning rate and a mild crop for 10-epoch runs on 28x28 images.
        add(
                Recipe.builder()
                        .setName(SMALL)
                        .setSource("fastvision, small-scale (AdamW as fasternet Table 6)")
                        .setOptimizer(ADAMW)
                        .setLr(4e-3, 128)
                        .setWeightDecay(0.05)
                        .setEpochs(10)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(1)
                        .optLabelSmoothing(0.1f)
                        .optFlip(true)
                        .build());

        // fasternet Table 6: AdamW, batch 4096 (2048 for M/L), 300 epochs, 20 warm-up epochs,
        // cosine, label smoothing 0.1, cutmix 1.0; weight decay, drop path and mixup per variant.
        String ft6 = "fasternet Table 6";
        add(
                Recipe.builder()
                        .setName("fasternet_t0")
                        .setSource(ft6)
                        .setOptimizer(ADAMW)
                        .setLr(0.004, 4096)
                        .setWeightDecay(0.005)
                        .setEpochs(300)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(20)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0f)
                        .optMixupAlpha(0.05)
                        .optCutmixAlpha(1.0)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());
        add(
                Recipe.builder()
                        .setName("fasternet_t1")
                        .setSource(ft6)
                        .setOptimizer(ADAMW)
                        .setLr(0.004, 4096)
                        .setWeightDecay(0.01)
                        .setEpochs(300)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(20)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0.02f)
                        .optMixupAlpha(0.1)
                        .optCutmixAlpha(1.0)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());
        add(
                Recipe.builder()
                        .setName("fasternet_t2")
                        .setSource(ft6)
                        .setOptimizer(ADAMW)
                        .setLr(0.004, 4096)
                        .setWeightDecay(0.02)
                        .setEpochs(300)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(20)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0.05f)
                        .optMixupAlpha(0.1)
                        .optCutmixAlpha(1.0)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());
        add(
                Recipe.builder()
                        .setName("fasternet_s")
                        .setSource(ft6)
                        .setOptimizer(ADAMW)
                        .setLr(0.004, 4096)
                        .setWeightDecay(0.03)
                        .setEpochs(300)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(20)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0.1f)
                        .optMixupAlpha(0.3)
                        .optCutmixAlpha(1.0)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());
        add(
                Recipe.builder()
                        .setName("fasternet_m")
                        .setSource(ft6)
                        .setOptimizer(ADAMW)
                        .setLr(0.002, 2048)
                        .setWeightDecay(0.05)
                        .setEpochs(300)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(20)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0.2f)
                        .optMixupAlpha(0.5)
                        .optCutmixAlpha(1.0)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());
        add(
                Recipe.builder()
                        .setName("fasternet_l")
                        .setSource(ft6)
                        .setOptimizer(ADAMW)
                        .setLr(0.002, 2048)
                        .setWeightDecay(0.05)
                        .setEpochs(300)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(20)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0.3f)
                        .optMixupAlpha(0.7)
                        .optCutmixAlpha(1.0)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());

        // thesis Table 4.5 (ConvNeXt, ImageNet-1K): AdamW 4e-3 at 4096, wd 0.05, 300 epochs,
        // 20 warm-up, mixup 0.8, cutmix 1.0, label smoothing 0.1, EMA 0.9999; drop path per size.
        String tt45 = "thesis Table 4.5";
        add(
                Recipe.builder()
                        .setName("convnext_t")
                        .setSource(tt45)
                        .setOptimizer(ADAMW)
                        .setLr(4e-3, 4096)
                        .setWeightDecay(0.05)
                        .setEpochs(300)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(20)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0.1f)
                        .optMixupAlpha(0.8)
                        .optCutmixAlpha(1.0)
                        .optEmaDecay(0.9999)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());
        add(
                Recipe.builder()
                        .setName("convnext_s")
                        .setSource(tt45)
                        .setOptimizer(ADAMW)
                        .setLr(4e-3, 4096)
                        .setWeightDecay(0.05)
                        .setEpochs(300)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(20)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0.4f)
                        .optMixupAlpha(0.8)
                        .optCutmixAlpha(1.0)
                        .optEmaDecay(0.9999)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());
        add(
                Recipe.builder()
                        .setName("convnext_b")
                        .setSource(tt45)
                        .setOptimizer(ADAMW)
                        .setLr(4e-3, 4096)
                        .setWeightDecay(0.05)
                        .setEpochs(300)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(20)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0.5f)
                        .optMixupAlpha(0.8)
                        .optCutmixAlpha(1.0)
                        .optEmaDecay(0.9999)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());
        add(
                Recipe.builder()
                        .setName("convnext_l")
                        .setSource(tt45)
                        .setOptimizer(ADAMW)
                        .setLr(4e-3, 4096)
                        .setWeightDecay(0.05)
                        .setEpochs(300)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(20)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0.5f)
                        .optMixupAlpha(0.8)
                        .optCutmixAlpha(1.0)
                        .optEmaDecay(0.9999)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());

        // pflayer §4.1 footnote 4 (Tables 2-3): SGD with Nesterov momentum, batch 256, lr 0.4,
        // step decay, wd 1e-4, 90 epochs. Warm-up and the step epochs are not stated: none, 30/60.
        add(
                Recipe.builder()
                        .setName("pflayer_90ep")
                        .setSource("pflayer §4.1, fn. 4")
                        .setOptimizer(SGD_NESTEROV)
                        .setLr(0.4, 256)
                        .setWeightDecay(1e-4)
                        .setEpochs(90)
                        .setSchedule(STEP)
                        .optDropPath(0f)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());
        // pflayer appendix C (the improved rows of Table 3): cosine, lr 0.5 at 512, EMA, label
        // smoothing 0.1, wd 1e-5, 400 epochs. The optimizer, warm-up and EMA decay are not stated:
        // SGD with Nesterov momentum (as §4.1), 5 warm-up epochs and timm's 0.9998 are assumed.
        add(
                Recipe.builder()
                        .setName("pflayer_400ep")
                        .setSource("pflayer appendix C")
                        .setOptimizer(SGD_NESTEROV)
                        .setLr(0.5, 512)
                        .setWeightDecay(1e-5)
                        .setEpochs(400)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(5)
                        .optLabelSmoothing(0.1f)
                        .optDropPath(0f)
                        .optEmaDecay(0.9998)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());

        // rexnet §5.1: SGD, batch 512, lr 0.5, cosine, wd 1e-5. Epochs, warm-up, Nesterov and
        // label smoothing are not stated: plain momentum, 400 epochs, 5 warm-up, no smoothing.
        add(
                Recipe.builder()
                        .setName("rexnet")
                        .setSource("rexnet §5.1")
                        .setOptimizer(SGD)
                        .setLr(0.5, 512)
                        .setWeightDecay(1e-5)
                        .setEpochs(400)
                        .setSchedule(COSINE)
                        .optWarmupEpochs(5)
                        .optDropPath(0f)
                        .optCropMinScale(0.08)
                        .optFlip(true)
                        .build());
    }

    private Recipes() {}

    private static void add(Recipe r) {
        RECIPES.put(r.name(), r);
    }

    /**
     * Looks a recipe up.
     *
     * @param name the name
     * @return the recipe
     * @throws IllegalArgumentException naming the known recipes if there is none of that name
     */
    public static Recipe get(String name) {
        Recipe r = RECIPES.get(name);
        if (r == null) {
            throw new IllegalArgumentException(
                    "unknown recipe '" + name + "'; known: " + String.join(", ", names()));
        }
        return r;
    }

    /**
     * Returns every recipe name in table order.
     *
     * @return names
     */
    public static List<String> names() {
        return new ArrayList<>(RECIPES.keySet());
    }

    /**
     * Returns every recipe in table order.
     *
     * @return recipes
     */
    public static List<Recipe> all() {
        return new ArrayList<>(RECIPES.values());
    }
}
