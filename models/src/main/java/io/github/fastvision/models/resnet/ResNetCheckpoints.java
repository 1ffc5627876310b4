package io.github.fastvision.models.resnet;

import io.github.fastvision.models.weights.NameMapping;
import java.util.regex.Matcher;

/**
 * ResNet checkpoint name tables: torchvision's (which timm shares) for the baselines and the
 * authors' resnet_pf.py for pflayer's parameter-free ResNets.
 */
public final class ResNetCheckpoints {

    private ResNetCheckpoints() {}

    static NameMapping torchvision() {
        return new NameMapping("ResNet (torchvision / timm)")
                .rule("conv1\\.(\\w+)", "stem.0.conv.$1")
                .rule("bn1\\.(\\w+)", "stem.0.bn.$1")
                .rule(
                        "layer(\\d)\\.(\\d+)\\.conv(\\d)\\.(\\w+)",
                        m -> block(m) + ".conv" + m.group(3) + ".conv." + m.group(4))
                .rule(
                        "layer(\\d)\\.(\\d+)\\.bn(\\d)\\.(\\w+)",
                        m -> block(m) + ".conv" + m.group(3) + ".bn." + m.group(4))
                .rule(
                        "layer(\\d)\\.(\\d+)\\.downsample\\.0\\.(\\w+)",
                        m -> block(m) + ".downsample.conv." + m.group(3))
                .rule(
                        "layer(\\d)\\.(\\d+)\\.downsample\\.1\\.(\\w+)",
                        m -> block(m) + ".downsample.bn." + m.group(3))
                .rule(
                        "layer(\\d)\\.(\\d+)\\.se\\.(fc1|fc2)\\.(\\w+)",
                        m -> block(m) + ".se." + m.group(3) + "." + m.group(4))
                .rule("fc\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping parameterFreeOfficial() {
        return new NameMapping("parameter-free ResNet (official resnet_pf.py)")
                .rule("conv1\\.0\\.(\\w+)", "stem.0.conv.$1")
                .rule("conv1\\.1\\.(\\w+)", "stem.0.bn.$1")
                .rule(
                        "layer(\\d)\\.(\\d+)\\.reduction_block\\.(0|1)\\.(\\w+)",
                        m -> block(m) + ".conv1." + cb(m.group(3)) + "." + m.group(4))
                .rule(
                        "layer(\\d)\\.(\\d+)\\.conv_block\\.1\\.(0|1)\\.(\\w+)",
                        m -> block(m) + ".conv2.1." + cb(m.group(3)) + "." + m.group(4))
                .rule(
                        "layer(\\d)\\.(\\d+)\\.expansion_block\\.(0|1)\\.(\\w+)",
                        m -> block(m) + ".conv3." + cb(m.group(3)) + "." + m.group(4))
                .rule(
                        "layer(\\d)\\.(\\d+)\\.downsample\\.(0|1)\\.(\\w+)",
                        m -> block(m) + ".downsample." + cb(m.group(3)) + "." + m.group(4))
                .rule("fc\\.(\\w+)", "head.fc.$1");
    }

    private static String cb(String index) {
        return "0".equals(index) ? "conv" : "bn";
    }

    private static String block(Matcher m) {
        return "stages_" + (NameMapping.num(m, 1) - 1) + "." + m.group(2);
    }
}
