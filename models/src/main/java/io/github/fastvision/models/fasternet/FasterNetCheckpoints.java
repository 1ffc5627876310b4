package io.github.fastvision.models.fasternet;

import io.github.fastvision.models.weights.NameMapping;

/**
 * FasterNet checkpoint name tables: the authors' repository. Stage and block indices are ours:
 * {@code stages_S.K} is the K-th child of stage S, where a stage's merging layer (stages after the
 * first) is child 0.
 */
public final class FasterNetCheckpoints {

    private FasterNetCheckpoints() {}

    static NameMapping official() {
        return new NameMapping("FasterNet (official)")
                .rule("patch_embed\\.proj\\.(\\w+)", "stem.proj.conv.$1")
                .rule("patch_embed\\.norm\\.(\\w+)", "stem.proj.bn.$1")
                .rule(
                        "stages\\.(\\d+)\\.blocks\\.(\\d+)\\.(.*)",
                        m -> {
                            int s = NameMapping.num(m, 1) / 2;
                            String rest =
                                    m.group(3)
                                            .replaceFirst("^mlp\\.0\\.", "mlp_expand.conv.")
                                            .replaceFirst("^mlp\\.1\\.", "mlp_expand.bn.")
                                            .replaceFirst("^mlp\\.3\\.", "mlp_project.")
                                            .replaceFirst("^layer_scale$", "layer_scale.gamma");
                            return "stages_"
                                    + s
                                    + "."
                                    + NameMapping.afterDownsample(s, NameMapping.num(m, 2))
                                    + "."
                                    + rest;
                        })
                .rule(
                        "stages\\.(\\d+)\\.reduction\\.(\\w+)",
                        m ->
                                "stages_"
                                        + (NameMapping.num(m, 1) + 1) / 2
                                        + ".0.reduction.conv."
                                        + m.group(2))
                .rule(
                        "stages\\.(\\d+)\\.norm\\.(\\w+)",
                        m ->
                                "stages_"
                                        + (NameMapping.num(m, 1) + 1) / 2
                                        + ".0.reduction.bn."
                                        + m.group(2))
                .rule("avgpool_pre_head\\.1\\.(\\w+)", "head.conv_head.0.$1")
                .rule("head\\.(\\w+)", "head.fc.$1");
    }
}
