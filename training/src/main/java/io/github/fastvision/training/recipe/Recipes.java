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
 * where it is silent the row says what was assumed. RandAugment and random erasing, which some
 * rows use on ImageNet, are not part of fastvision's augmentations and are left out of the rows.
 */
public final class Recipes {

    /** The default recipe for small datasets (Fashion-MNIST, users' folders). */
    public static final String SMALL = "small";

    private static final Map<String, Recipe> RECIPES = new LinkedHashMap<>();

    static {
        // fastvision's own small-data recipe: FasterNet's optimizer and regularizers, a larger
        // learning rate and a mild crop for 10-epoch runs on 28x28 images.
        add(new Recipe(SMALL, "fastvision, small-scale (AdamW as fasternet Table 6)", ADAMW,
                4e-3, 128, 0.05, 10, 1, COSINE, 0.1f, -1f, 0, 0, 0, 0, 1.0, true));

        // fasternet Table 6: AdamW, batch 4096 (2048 for M/L), 300 epochs, 20 warm-up epochs,
        // cosine, label smoothing 0.1, cutmix 1.0; weight decay, drop path and mixup per variant.
        String ft6 = "fasternet Table 6";
        add(new Recipe("fasternet_t0", ft6, ADAMW, 0.004, 4096, 0.005, 300, 20, COSINE, 0.1f, 0f, 0.05, 1.0, 0, 0, 0.08, true));
        add(new Recipe("fasternet_t1", ft6, ADAMW, 0.004, 4096, 0.01, 300, 20, COSINE, 0.1f, 0.02f, 0.1, 1.0, 0, 0, 0.08, true));
        add(new Recipe("fasternet_t2", ft6, ADAMW, 0.004, 4096, 0.02, 300, 20, COSINE, 0.1f, 0.05f, 0.1, 1.0, 0, 0, 0.08, true));
        add(new Recipe("fasternet_s", ft6, ADAMW, 0.004, 4096, 0.03, 300, 20, COSINE, 0.1f, 0.1f, 0.3, 1.0, 0, 0, 0.08, true));
        add(new Recipe("fasternet_m", ft6, ADAMW, 0.002, 2048, 0.05, 300, 20, COSINE, 0.1f, 0.2f, 0.5, 1.0, 0, 0, 0.08, true));
        add(new Recipe("fasternet_l", ft6, ADAMW, 0.002, 2048, 0.05, 300, 20, COSINE, 0.1f, 0.3f, 0.7, 1.0, 0, 0, 0.08, true));

        // thesis Table 4.5 (ConvNeXt, ImageNet-1K): AdamW 4e-3 at 4096, wd 0.05, 300 epochs,
        // 20 warm-up, mixup 0.8, cutmix 1.0, label smoothing 0.1, EMA 0.9999; drop path per size.
        String tt45 = "thesis Table 4.5";
        add(new Recipe("convnext_t", tt45, ADAMW, 4e-3, 4096, 0.05, 300, 20, COSINE, 0.1f, 0.1f, 0.8, 1.0, 0.9999, 0, 0.08, true));
        add(new Recipe("convnext_s", tt45, ADAMW, 4e-3, 4096, 0.05, 300, 20, COSINE, 0.1f, 0.4f, 0.8, 1.0, 0.9999, 0, 0.08, true));
        add(new Recipe("convnext_b", tt45, ADAMW, 4e-3, 4096, 0.05, 300, 20, COSINE, 0.1f, 0.5f, 0.8, 1.0, 0.9999, 0, 0.08, true));
        add(new Recipe("convnext_l", tt45, ADAMW, 4e-3, 4096, 0.05, 300, 20, COSINE, 0.1f, 0.5f, 0.8, 1.0, 0.9999, 0, 0.08, true));

        // pflayer §4.1 footnote 4 (Tables 2-3): SGD with Nesterov momentum, batch 256, lr 0.4,
        // step decay, wd 1e-4, 90 epochs. Warm-up and the step epochs are not stated: none, 30/60.
        add(new Recipe("pflayer_90ep", "pflayer §4.1, fn. 4", SGD_NESTEROV,
                0.4, 256, 1e-4, 90, 0, STEP, 0f, 0f, 0, 0, 0, 0, 0.08, true));
        // pflayer appendix C (the improved rows of Table 3): cosine, lr 0.5 at 512, EMA, label
        // smoothing 0.1, wd 1e-5, 400 epochs. The optimizer, warm-up and EMA decay are not stated:
        // SGD with Nesterov momentum (as §4.1), 5 warm-up epochs and timm's 0.9998 are assumed.
        add(new Recipe("pflayer_400ep", "pflayer appendix C", SGD_NESTEROV,
                0.5, 512, 1e-5, 400, 5, COSINE, 0.1f, 0f, 0, 0, 0.9998, 0, 0.08, true));

        // rexnet §5.1: SGD, batch 512, lr 0.5, cosine, wd 1e-5. Epochs, warm-up, Nesterov and
        // label smoothing are not stated: plain momentum, 400 epochs, 5 warm-up, no smoothing.
        add(new Recipe("rexnet", "rexnet §5.1", SGD, 0.5, 512, 1e-5, 400, 5, COSINE, 0f, 0f, 0, 0, 0, 0, 0.08, true));
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
            throw new IllegalArgumentException("unknown recipe '" + name + "'; known: " + String.join(", ", names()));
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
