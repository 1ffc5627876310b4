package io.github.fastvision.models.fasternet;

import io.github.fastvision.models.weights.NameMapping;
import java.util.regex.Matcher;

/**
 * FasterNet checkpoint name tables: the authors' repository and timm's {@code fasternet.py}. Stage
 * and block indices are ours: {@code stages_S.K} is the K-th child of stage S, where a stage's
 * merging layer (stages after the first) is child 0.
 */
public final class FasterNetCheckpoints {

    private FasterNetCheckpoints() {}

    static NameMapping official() {
        return new NameMapping("FasterNet (official)")
                .rule("patch_embed\\.proj\\.(\\w+)", "stem.proj.conv.$1")
                .rule("patch_embed\\.norm\\.(\\w+)", "stem.proj.bn.$1")
                // Official stages interleave block groups (even) and merging layers (odd).
                .rule(
                        "stages\\.(\\d+)\\.blocks\\.(\\d+)\\.(.*)",
                        m -> block(NameMapping.num(m, 1) / 2, m))
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

    /**
     * timm's names: one {@code stages.S} per stage, its merging layer as {@code downsample} (stages
     * after the first), the head's 1×1 conv as {@code conv_head} and the classifier as {@code
     * classifier}. Block contents are named as in the official code.
     */
    static NameMapping timm() {
        return new NameMapping("FasterNet (timm)")
                .rule("patch_embed\\.proj\\.(\\w+)", "stem.proj.conv.$1")
                .rule("patch_embed\\.norm\\.(\\w+)", "stem.proj.bn.$1")
                .rule(
                        "stages\\.(\\d+)\\.blocks\\.(\\d+)\\.(.*)",
                        m -> block(NameMapping.num(m, 1), m))
                .rule(
                        "stages\\.(\\d+)\\.downsample\\.reduction\\.(\\w+)",
                        "stages_$1.0.reduction.conv.$2")
                .rule("stages\\.(\\d+)\\.downsample\\.norm\\.(\\w+)", "stages_$1.0.reduction.bn.$2")
                .rule("conv_head\\.(\\w+)", "head.conv_head.0.$1")
                .rule("classifier\\.(\\w+)", "head.fc.$1");
    }

    /** Block K (group 2) of stage S, its content (group 3) in the official module names. */
    private static String block(int stage, Matcher m) {
        String rest =
                m.group(3)
                        .replaceFirst("^mlp\\.0\\.", "mlp_expand.conv.")
                        .replaceFirst("^mlp\\.1\\.", "mlp_expand.bn.")
                        .replaceFirst("^mlp\\.3\\.", "mlp_project.")
                        .replaceFirst("^layer_scale$", "layer_scale.gamma");
        return "stages_"
                + stage
                + "."
                + NameMapping.afterDownsample(stage, NameMapping.num(m, 2))
                + "."
                + rest;
    }
}
