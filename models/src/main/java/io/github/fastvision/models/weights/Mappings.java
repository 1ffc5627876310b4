package io.github.fastvision.models.weights;

import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import java.util.regex.Matcher;

/**
 * Name-mapping tables per family and source. Stage and block indices are ours: {@code
 * stages_S.K} is the K-th child of stage S, where a stage's downsampling layer, if any, is child 0.
 */
public final class Mappings {

    private Mappings() {}

    /**
     * Returns the naming a family's released checkpoints use: torchvision for the ResNet
     * baselines, the authors' repository otherwise.
     *
     * @param model the zoo name
     * @return the default source
     */
    public static Source defaultSource(String model) {
        String family = ModelRegistry.info(model).family();
        return "ResNet".equals(family) ? Source.TORCHVISION : Source.OFFICIAL;
    }

    /**
     * Returns the mapping for a model and a checkpoint source.
     *
     * @param model the zoo name
     * @param source the checkpoint's naming
     * @return the mapping
     * @throws IllegalArgumentException when no table exists for the combination
     */
    public static NameMapping forModel(String model, Source source) {
        ModelInfo info = ModelRegistry.info(model);
        String family = info.family();
        String name = info.name();
        switch (family) {
            case "FasterNet":
                if (source == Source.OFFICIAL) {
                    return fasterNetOfficial();
                }
                break;
            case "ConvNeXt":
                boolean iso = name.contains("iso");
                if (iso && source == Source.OFFICIAL) {
                    return convNeXtIsotropicOfficial();
                }
                if (!iso) {
                    return source == Source.OFFICIAL
                            ? convNeXtOfficial()
                            : source == Source.TORCHVISION ? convNeXtTorchvision() : convNeXtTimm();
                }
                break;
            case "ReXNet":
                boolean lite = name.contains("lite");
                if (name.contains("plain")) {
                    break;
                }
                if (source == Source.OFFICIAL) {
                    return lite ? reXNetLiteOfficial() : reXNetOfficial();
                }
                if (source == Source.TIMM && !lite) {
                    return reXNetTimm();
                }
                break;
            case "ResNet":
                if (source != Source.OFFICIAL) {
                    return resNetTorchvision();
                }
                break;
            case "pf-ResNet":
                if (source == Source.OFFICIAL) {
                    return pfResNetOfficial();
                }
                break;
            case "ViT":
                if (source != Source.TORCHVISION) {
                    return vit();
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException(
                "no " + source.name().toLowerCase(java.util.Locale.ROOT) + " name table for " + name + " (family "
                        + family + "); available: FasterNet official; ConvNeXt official/timm/torchvision (isotropic:"
                        + " official); ReXNet official/timm (lite: official); ResNet timm/torchvision; pf-ResNet"
                        + " official; ViT timm/official");
    }

    /** The K-th block of a stage that starts with a downsampling child (stages after the first). */
    private static int child(int stage, int block) {
        return stage > 0 ? block + 1 : block;
    }

    static NameMapping fasterNetOfficial() {
        return new NameMapping("FasterNet (official)")
                .rule("patch_embed\\.proj\\.(\\w+)", "stem.proj.conv.$1")
                .rule("patch_embed\\.norm\\.(\\w+)", "stem.proj.bn.$1")
                .rule("stages\\.(\\d+)\\.blocks\\.(\\d+)\\.(.*)", m -> {
                    int s = NameMapping.num(m, 1) / 2;
                    String rest = m.group(3)
                            .replaceFirst("^mlp\\.0\\.", "mlp_expand.conv.")
                            .replaceFirst("^mlp\\.1\\.", "mlp_expand.bn.")
                            .replaceFirst("^mlp\\.3\\.", "mlp_project.")
                            .replaceFirst("^layer_scale$", "layer_scale.gamma");
                    return "stages_" + s + "." + child(s, NameMapping.num(m, 2)) + "." + rest;
                })
                .rule("stages\\.(\\d+)\\.reduction\\.(\\w+)", m -> "stages_" + (NameMapping.num(m, 1) + 1) / 2 + ".0.reduction.conv." + m.group(2))
                .rule("stages\\.(\\d+)\\.norm\\.(\\w+)", m -> "stages_" + (NameMapping.num(m, 1) + 1) / 2 + ".0.reduction.bn." + m.group(2))
                .rule("avgpool_pre_head\\.1\\.(\\w+)", "head.conv_head.0.$1")
                .rule("head\\.(\\w+)", "head.fc.$1");
    }

    private static String convNeXtBlock(String rest) {
        return rest.replaceFirst("^gamma$", "gamma.gamma")
                .replaceFirst("^conv_dw\\.", "dwconv.")
                .replaceFirst("^mlp\\.fc1\\.", "pwconv1.")
                .replaceFirst("^mlp\\.fc2\\.", "pwconv2.");
    }

    static NameMapping convNeXtOfficial() {
        return new NameMapping("ConvNeXt (official)")
                .rule("downsample_layers\\.0\\.0\\.(\\w+)", "stem.conv.$1")
                .rule("downsample_layers\\.0\\.1\\.(\\w+)", "stem.norm.$1")
                .rule("downsample_layers\\.(\\d+)\\.0\\.(\\w+)", "stages_$1.0.norm.$2")
                .rule("downsample_layers\\.(\\d+)\\.1\\.(\\w+)", "stages_$1.0.conv.$2")
                .rule("stages\\.(\\d+)\\.(\\d+)\\.(.*)", m -> {
                    int s = NameMapping.num(m, 1);
                    return "stages_" + s + "." + child(s, NameMapping.num(m, 2)) + "." + convNeXtBlock(m.group(3));
                })
                .rule("norm\\.(\\w+)", "head.norm.$1")
                .rule("head\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping convNeXtIsotropicOfficial() {
        return new NameMapping("ConvNeXt isotropic (official)")
                .rule("stem\\.(\\w+)", "stem.$1")
                .rule("blocks\\.(\\d+)\\.(.*)", m -> "stages_0." + m.group(1) + "." + convNeXtBlock(m.group(2)))
                .rule("norm\\.(\\w+)", "head.norm.$1")
                .rule("head\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping convNeXtTimm() {
        return new NameMapping("ConvNeXt (timm)")
                .rule("stem\\.0\\.(\\w+)", "stem.conv.$1")
                .rule("stem\\.1\\.(\\w+)", "stem.norm.$1")
                .rule("stages\\.(\\d+)\\.downsample\\.0\\.(\\w+)", "stages_$1.0.norm.$2")
                .rule("stages\\.(\\d+)\\.downsample\\.1\\.(\\w+)", "stages_$1.0.conv.$2")
                .rule("stages\\.(\\d+)\\.blocks\\.(\\d+)\\.(.*)", m -> {
                    int s = NameMapping.num(m, 1);
                    return "stages_" + s + "." + child(s, NameMapping.num(m, 2)) + "." + convNeXtBlock(m.group(3));
                })
                .rule("head\\.norm\\.(\\w+)", "head.norm.$1")
                .rule("head\\.fc\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping convNeXtTorchvision() {
        return new NameMapping("ConvNeXt (torchvision)")
                .rule("features\\.0\\.0\\.(\\w+)", "stem.conv.$1")
                .rule("features\\.0\\.1\\.(\\w+)", "stem.norm.$1")
                .rule("features\\.(\\d+)\\.0\\.(\\w+)", m -> {
                    int f = NameMapping.num(m, 1);
                    // Even feature indices are downsampling layers: LayerNorm2d then conv.
                    return f % 2 == 0 ? "stages_" + f / 2 + ".0.norm." + m.group(2) : null;
                })
                .rule("features\\.(\\d+)\\.1\\.(\\w+)", m -> {
                    int f = NameMapping.num(m, 1);
                    return f % 2 == 0 ? "stages_" + f / 2 + ".0.conv." + m.group(2) : null;
                })
                .rule("features\\.(\\d+)\\.(\\d+)\\.(block\\.\\d+|layer_scale)(\\.\\w+)?", m -> {
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
                    return "stages_" + s + "." + child(s, NameMapping.num(m, 2)) + "." + module + leaf;
                })
                .rule("classifier\\.0\\.(\\w+)", "head.norm.$1")
                .rule("classifier\\.2\\.(\\w+)", "head.fc.$1");
    }

    /** Stage and position of ReXNet block b (stages start at the stride-2 blocks 1, 3, 5, 11). */
    private static String reXNetBlock(int b) {
        int[] starts = {0, 1, 3, 5, 11};
        int s = 0;
        while (s + 1 < starts.length && b >= starts[s + 1]) {
            s++;
        }
        return "stages_" + s + "." + (b - starts[s]);
    }

    private static NameMapping reXNetFeatures(String description, boolean lite) {
        return new NameMapping(description)
                .rule("features\\.0\\.(\\w+)", "stem.conv.$1")
                .rule("features\\.1\\.(\\w+)", "stem.bn.$1")
                .rule("features\\.19\\.(\\w+)", "head.conv_head.conv.$1")
                .rule("features\\.20\\.(\\w+)", "head.conv_head.bn.$1")
                .rule("features\\.(\\d+)\\.out\\.(\\d+)\\.(.*)", m -> {
                    int b = NameMapping.num(m, 1) - 3;
                    int k = NameMapping.num(m, 2);
                    boolean expand = b > 0;
                    boolean se = !lite && b >= 3;
                    // Module order inside `out`: [exp conv, bn, act], dw conv, bn, [act], [se], relu6, pwl conv, bn.
                    String[] layout;
                    if (!expand) {
                        layout = new String[] {"conv_dw.conv", "conv_dw.bn", null, "conv_pwl.conv", "conv_pwl.bn"};
                    } else if (lite) {
                        layout = new String[] {"conv_exp.conv", "conv_exp.bn", null, "conv_dw.conv", "conv_dw.bn", null,
                            "conv_pwl.conv", "conv_pwl.bn"};
                    } else if (!se) {
                        layout = new String[] {"conv_exp.conv", "conv_exp.bn", null, "conv_dw.conv", "conv_dw.bn", null,
                            "conv_pwl.conv", "conv_pwl.bn"};
                    } else {
                        layout = new String[] {"conv_exp.conv", "conv_exp.bn", null, "conv_dw.conv", "conv_dw.bn", "se",
                            null, "conv_pwl.conv", "conv_pwl.bn"};
                    }
                    if (k >= layout.length || layout[k] == null) {
                        return null;
                    }
                    String rest = m.group(3);
                    if ("se".equals(layout[k])) {
                        rest = rest.replaceFirst("^fc\\.0\\.", "fc1.").replaceFirst("^fc\\.1\\.", "bn.").replaceFirst("^fc\\.3\\.", "fc2.");
                    }
                    return reXNetBlock(b) + "." + layout[k] + "." + rest;
                });
    }

    static NameMapping reXNetOfficial() {
        return reXNetFeatures("ReXNet (official)", false).rule("output\\.1\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping reXNetLiteOfficial() {
        return reXNetFeatures("ReXNet-lite (official)", true)
                .rule("output\\.0\\.(\\w+)", "head.fc_head.0.$1")
                .rule("output\\.1\\.(\\w+)", "head.fc_head.1.$1")
                .rule("output\\.4\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping reXNetTimm() {
        return new NameMapping("ReXNet (timm)")
                .rule("stem\\.(conv|bn)\\.(\\w+)", "stem.$1.$2")
                .rule("features\\.16\\.(conv|bn)\\.(\\w+)", "head.conv_head.$1.$2")
                .rule("features\\.(\\d+)\\.(conv_exp|conv_dw|conv_pwl)\\.(conv|bn)\\.(\\w+)",
                        m -> reXNetBlock(NameMapping.num(m, 1)) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4))
                .rule("features\\.(\\d+)\\.se\\.(fc1|bn|fc2)\\.(\\w+)",
                        m -> reXNetBlock(NameMapping.num(m, 1)) + ".se." + m.group(2) + "." + m.group(3))
                .rule("head\\.fc\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping resNetTorchvision() {
        return new NameMapping("ResNet (torchvision / timm)")
                .rule("conv1\\.(\\w+)", "stem.0.conv.$1")
                .rule("bn1\\.(\\w+)", "stem.0.bn.$1")
                .rule("layer(\\d)\\.(\\d+)\\.conv(\\d)\\.(\\w+)", m -> block(m) + ".conv" + m.group(3) + ".conv." + m.group(4))
                .rule("layer(\\d)\\.(\\d+)\\.bn(\\d)\\.(\\w+)", m -> block(m) + ".conv" + m.group(3) + ".bn." + m.group(4))
                .rule("layer(\\d)\\.(\\d+)\\.downsample\\.0\\.(\\w+)", m -> block(m) + ".downsample.conv." + m.group(3))
                .rule("layer(\\d)\\.(\\d+)\\.downsample\\.1\\.(\\w+)", m -> block(m) + ".downsample.bn." + m.group(3))
                .rule("layer(\\d)\\.(\\d+)\\.se\\.(fc1|fc2)\\.(\\w+)", m -> block(m) + ".se." + m.group(3) + "." + m.group(4))
                .rule("fc\\.(\\w+)", "head.fc.$1");
    }

    /** timm's VisionTransformer names, which PfLayer's vit_pf.py shares (its EffLayer is also "attn"). */
    static NameMapping vit() {
        return new NameMapping("ViT (timm / official vit_pf.py)")
                .rule("patch_embed\\.proj\\.(\\w+)", "stem.proj.$1")
                .rule("(pos_embed|cls_token)", "stem.$1")
                .rule("blocks\\.(\\d+)\\.(.*)", "stages_0.blocks_$1.$2")
                .rule("norm\\.(\\w+)", "head.norm.$1")
                .rule("head\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping pfResNetOfficial() {
        return new NameMapping("parameter-free ResNet (official resnet_pf.py)")
                .rule("conv1\\.0\\.(\\w+)", "stem.0.conv.$1")
                .rule("conv1\\.1\\.(\\w+)", "stem.0.bn.$1")
                .rule("layer(\\d)\\.(\\d+)\\.reduction_block\\.(0|1)\\.(\\w+)", m -> block(m) + ".conv1." + cb(m.group(3)) + "." + m.group(4))
                .rule("layer(\\d)\\.(\\d+)\\.conv_block\\.1\\.(0|1)\\.(\\w+)", m -> block(m) + ".conv2.1." + cb(m.group(3)) + "." + m.group(4))
                .rule("layer(\\d)\\.(\\d+)\\.expansion_block\\.(0|1)\\.(\\w+)", m -> block(m) + ".conv3." + cb(m.group(3)) + "." + m.group(4))
                .rule("layer(\\d)\\.(\\d+)\\.downsample\\.(0|1)\\.(\\w+)", m -> block(m) + ".downsample." + cb(m.group(3)) + "." + m.group(4))
                .rule("fc\\.(\\w+)", "head.fc.$1");
    }

    private static String cb(String index) {
        return "0".equals(index) ? "conv" : "bn";
    }

    private static String block(Matcher m) {
        return "stages_" + (NameMapping.num(m, 1) - 1) + "." + m.group(2);
    }
}
