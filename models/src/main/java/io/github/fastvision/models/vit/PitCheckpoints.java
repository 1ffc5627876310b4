package io.github.fastvision.models.vit;

import io.github.fastvision.models.weights.NameMapping;
import java.util.Collection;

/**
 * PiT checkpoint name tables. The official names are those of the PiT authors' {@code pit.py}
 * (naver-ai/pit), which PfLayer's {@code pit_pf.py} keeps for its max-pool PiT (without the class
 * token and the pooling layers' {@code fc}). timm's {@code pit.py} keeps each pooling layer inside
 * a stage: current timm makes it the first submodule of the stage it feeds, older timm the last one
 * of the stage before.
 *
 * <p>fastvision's {@link TransformerStage} starts with the pooling layer, as current timm's does:
 * {@code transformers.S.pool} (current timm), {@code pools.(S-1)} (official) and {@code
 * transformers.(S-1).pool} (older timm) are our {@code stages_S.pool_conv} and {@code pool_fc}.
 */
public final class PitCheckpoints {

    private static final String TIMM_POOL = "transformers\\.(\\d+)\\.pool\\.(conv|fc)\\.(\\w+)";

    private PitCheckpoints() {}

    /** naver-ai/pit's and PfLayer's pit_pf.py names. */
    static NameMapping official() {
        return common(new NameMapping("PiT (official pit.py / pit_pf.py)"))
                .rule(
                        "pools\\.(\\d+)\\.(conv|fc)\\.(\\w+)",
                        m -> pooling(NameMapping.num(m, 1) + 1, m.group(2), m.group(3)));
    }

    /**
     * timm's PoolingVisionTransformer names, in current timm's layout or, for a checkpoint with a
     * pooling layer in the first stage, older timm's.
     */
    static NameMapping timm() {
        NameMapping older =
                common(new NameMapping("PiT (timm, pooling at the end of the stage before)"))
                        .rule(
                                TIMM_POOL,
                                m -> pooling(NameMapping.num(m, 1) + 1, m.group(2), m.group(3)));
        return common(new NameMapping("PiT (timm)"))
                .rule(TIMM_POOL, m -> pooling(NameMapping.num(m, 1), m.group(2), m.group(3)))
                .layout(PitCheckpoints::poolsEndStages, older);
    }

    /** Only older timm has a pooling layer in stage 0: current timm's first stage has none. */
    private static boolean poolsEndStages(Collection<String> keys) {
        return keys.stream().anyMatch(k -> k.startsWith("transformers.0.pool."));
    }

    /** The names both share: conv embedding, positions, class token, blocks, final norm, head. */
    private static NameMapping common(NameMapping names) {
        return names.rule("patch_embed\\.conv\\.(\\w+)", "stem.proj.$1")
                .rule("(pos_embed|cls_token)", "stem.$1")
                .rule("transformers\\.(\\d+)\\.blocks\\.(\\d+)\\.(.*)", "stages_$1.blocks_$2.$3")
                .rule("norm\\.(\\w+)", "head.norm.$1")
                .rule("head\\.(\\w+)", "head.fc.$1");
    }

    /** The pooling layer that starts our stage S. */
    private static String pooling(int stage, String layer, String leaf) {
        return "stages_" + stage + ".pool_" + layer + "." + leaf;
    }
}
