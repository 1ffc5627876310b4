package io.github.fastvision.models.convnext;

import io.github.fastvision.models.weights.NameMapping;

/**
 * ConvNeXt checkpoint name tables: the authors' repository (hierarchical and isotropic), timm and
 * torchvision. {@code stages_S.K} is the K-th child of stage S, where a stage's downsampling layer
 * (stages after the first) is child 0.
 */
public final class ConvNeXtCheckpoints {

    private ConvNeXtCheckpoints() {}

    private static String block(String rest) {
        return rest.replaceFirst("^gamma$", "gamma.gamma")
                .replaceFirst("^conv_dw\\.", "dwconv.")
                .replaceFirst("^mlp\\.fc1\\.", "pwconv1.")
                .replaceFirst("^mlp\\.fc2\\.", "pwconv2.");
    }

    static NameMapping official() {
        return new NameMapping("ConvNeXt (official)")
                .rule("downsample_layers\\.0\\.0\\.(\\w+)", "stem.conv.$1")
                .rule("downsample_layers\\.0\\.1\\.(\\w+)", "stem.norm.$1")
                .rule("downsample_layers\\.(\\d+)\\.0\\.(\\w+)", "stages_$1.0.norm.$2")
                .rule("downsample_layers\\.(\\d+)\\.1\\.(\\w+)", "stages_$1.0.conv.$2")
                .rule(
                        "stages\\.(\\d+)\\.(\\d+)\\.(.*)",
                        m -> {
                            int s = NameMapping.num(m, 1);
                            return "stages_"
                                    + s
                                    + "."
                                    + NameMapping.afterDownsample(s, NameMapping.num(m, 2))
                                    + "."
                                    + block(m.group(3));
                        })
                .rule("norm\\.(\\w+)", "head.norm.$1")
                .rule("head\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping isotropicOfficial() {
        return new NameMapping("ConvNeXt isotropic (official)")
                .rule("stem\\.(\\w+)", "stem.$1")
                .rule(
                        "blocks\\.(\\d+)\\.(.*)",
                        m -> "stages_0." + m.group(1) + "." + block(m.group(2)))
                .rule("norm\\.(\\w+)", "head.norm.$1")
                .rule("head\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping timm() {
        return new NameMapping("ConvNeXt (timm)")
                .rule("stem\\.0\\.(\\w+)", "stem.conv.$1")
                .rule("stem\\.1\\.(\\w+)", "stem.norm.$1")
                .rule("stages\\.(\\d+)\\.downsample\\.0\\.(\\w+)", "stages_$1.0.norm.$2")
                .rule("stages\\.(\\d+)\\.downsample\\.1\\.(\\w+)", "stages_$1.0.conv.$2")
                .rule(
                        "stages\\.(\\d+)\\.blocks\\.(\\d+)\\.(.*)",
                        m -> {
                            int s = NameMapping.num(m, 1);
                            return "stages_"
                                    + s
                                    + "."
                                    + NameMapping.afterDownsample(s, NameMapping.num(m, 2))
                                    + "."
                                    + block(m.group(3));
                        })
                .rule("head\\.norm\\.(\\w+)", "head.norm.$1")
                .rule("head\\.fc\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping torchvision() {
        return new NameMapping("ConvNeXt (torchvision)")
                .rule("features\\.0\\.0\\.(\\w+)", "stem.conv.$1")
                .rule("features\\.0\\.1\\.(\\w+)", "stem.norm.$1")
                .rule(
                        "features\\.(\\d+)\\.0\\.(\\w+)",
                        m -> {
                            int f = NameMapping.num(m, 1);
                            // Even feature indices are downsampling layers: LayerNorm2d then conv.
                            return f % 2 == 0 ? "stages_" + f / 2 + ".0.norm." + m.group(2) : null;
                        })
                .rule(
                        "features\\.(\\d+)\\.1\\.(\\w+)",
                        m -> {
                            int f = NameMapping.num(m, 1);
                            return f % 2 == 0 ? "stages_" + f / 2 + ".0.conv." + m.group(2) : null;
                        })
                .rule(
                        "features\\.(\\d+)\\.(\\d+)\\.(block\\.\\d+|layer_scale)(\\.\\w+)?",
                        m -> {
                            int s = (NameMapping.num(m, 1) - 1) / 2;
                            String part = m.group(3);
                            String leaf = m.group(4) == null ? "" : m.group(4);
                            String module;
                            switch (part) {
                                case "block.0":
                                    module = "dwconv";
                                    break;
                                case "block.2":
                                    module = "norm";
                                    break;
                                case "block.3":
                                    module = "pwconv1";
                                    break;
                                case "block.5":
                                    module = "pwconv2";
                                    break;
                                case "layer_scale":
                                    module = "gamma";
                                    leaf = ".gamma";
                                    break;
                                default:
                                    return null;
                            }
                            return "stages_"
                                    + s
                                    + "."
                                    + NameMapping.afterDownsample(s, NameMapping.num(m, 2))
                                    + "."
                                    + module
                                    + leaf;
                        })
                .rule("classifier\\.0\\.(\\w+)", "head.norm.$1")
                .rule("classifier\\.2\\.(\\w+)", "head.fc.$1");
    }
}
