package io.github.fastvision.models.vit;

import io.github.fastvision.models.weights.NameMapping;

/**
 * PiT checkpoint name tables. The official names are those of the PiT authors' {@code pit.py}
 * (naver-ai/pit), which PfLayer's {@code pit_pf.py} keeps for its max-pool PiT (without the class
 * token and the pooling layers' {@code fc}); timm's {@code pit.py} moves each pooling layer into
 * the stage before it.
 *
 * <p>Both place the pooling layer between stage S and S+1 outside stage S+1, where fastvision's
 * {@link TransformerStage} starts with it: {@code pools.S} (official) and {@code
 * transformers.S.pool} (timm) are our {@code stages_(S+1).pool_conv} and {@code pool_fc}.
 */
public final class PitCheckpoints {

    private PitCheckpoints() {}

    /** naver-ai/pit's and PfLayer's pit_pf.py names. */
    static NameMapping official() {
        return common(new NameMapping("PiT (official pit.py / pit_pf.py)"))
                .rule(
                        "pools\\.(\\d+)\\.(conv|fc)\\.(\\w+)",
                        m -> pooling(NameMapping.num(m, 1), m.group(2), m.group(3)));
    }

    /** timm's PoolingVisionTransformer names. */
    static NameMapping timm() {
        return common(new NameMapping("PiT (timm)"))
                .rule(
                        "transformers\\.(\\d+)\\.pool\\.(conv|fc)\\.(\\w+)",
                        m -> pooling(NameMapping.num(m, 1), m.group(2), m.group(3)));
    }

    /** The names both share: conv embedding, positions, class token, blocks, final norm, head. */
    private static NameMapping common(NameMapping names) {
        return names.rule("patch_embed\\.conv\\.(\\w+)", "stem.proj.$1")
                .rule("(pos_embed|cls_token)", "stem.$1")
                .rule("transformers\\.(\\d+)\\.blocks\\.(\\d+)\\.(.*)", "stages_$1.blocks_$2.$3")
                .rule("norm\\.(\\w+)", "head.norm.$1")
                .rule("head\\.(\\w+)", "head.fc.$1");
    }

    /** The pooling layer after stage S, which our stage S+1 owns. */
    private static String pooling(int stage, String layer, String leaf) {
        return "stages_" + (stage + 1) + ".pool_" + layer + "." + leaf;
    }
}
