package io.github.fastvision.models.cifar;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.ActBlock;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ClassifierHead;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ParameterNames;
import io.github.fastvision.models.StageInfo;
import io.github.fastvision.models.VisionModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the CIFAR networks of a {@link CifarVariant} at the variant's widths or at the widths of
 * {@link ModelOptions#widths()} (a pruned model), and describes their channel groups for pruning.
 * Stage features are at strides 1, 2, 4 (ResNets) or 1 … 16 (VGG); the head is a global average
 * pool and one linear layer (at 32×32 the same as the original code's fixed-size pool).
 */
public final class CifarNet {

    private CifarNet() {}

    /**
     * Builds a network.
     *
     * @param variant the variant
     * @param options classes, input size and channels, and optionally the width table
     * @return the model
     * @throws IllegalArgumentException when the width table has the wrong length
     */
    public static VisionModel create(CifarVariant variant, ModelOptions options) {
        options.requireFamilyStem(variant.zooName());
        int[] widths = options.widths().orElse(variant.defaultWidths());
        int expected = variant.defaultWidths().length;
        if (widths.length != expected) {
            throw new IllegalArgumentException(
                    variant.zooName()
                            + " has "
                            + expected
                            + " entries in its width table but "
                            + widths.length
                            + " widths were given");
        }
        VisionModel model;
        switch (variant.layout()) {
            case VGG:
                model = vgg(variant, options, widths);
                break;
            default:
                model = resnet(variant, options, widths);
                break;
        }
        // Kaiming normal, fan-out, as the original code initializes its convolutions.
        model.setInitializer(
                new XavierInitializer(
                        XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2),
                Parameter.Type.WEIGHT);
        return model;
    }

    private static VisionModel vgg(CifarVariant v, ModelOptions o, int[] w) {
        int[] depths = v.depths();
        List<Block> stages = new ArrayList<>();
        List<StageInfo> info = new ArrayList<>();
        int in = o.inChannels();
        int at = 0;
        for (int s = 0; s < depths.length; s++) {
            SequentialBlock stage = new SequentialBlock();
            if (s > 0) {
                stage.add(
                        Pool2d.builder()
                                .setMode(Pool2d.Mode.MAX)
                                .setKernel(2)
                                .optStride(2)
                                .build());
            }
            for (int j = 0; j < depths[s]; j++) {
                stage.add(convBn(in, w[at], 1, Act.RELU));
                in = w[at++];
            }
            stages.add(stage);
            info.add(new StageInfo(s, in, 1 << s));
        }
        return VisionModel.builder()
                .setName(v.zooName())
                .setOptions(o)
                .setStem(new ActBlock(Act.NONE))
                .setStages(stages, info)
                .setHead(ClassifierHead.linear(in, o.numClasses()))
                .build();
    }

    private static VisionModel resnet(CifarVariant v, ModelOptions o, int[] w) {
        int[] depths = v.depths();
        int stages = depths.length;
        boolean bottleneck = v.layout() == CifarVariant.Layout.PRERESNET_BOTTLENECK;
        boolean post = v.layout() == CifarVariant.Layout.RESNET;
        int residualAt = bottleneck ? 1 : 0;
        int innerAt = residualAt + stages;
        int stemWidth = w[0];
        Block stem =
                post
                        ? convBn(o.inChannels(), stemWidth, 1, Act.RELU)
                        : conv(o.inChannels(), stemWidth, 3, 1);
        List<Block> stageBlocks = new ArrayList<>();
        List<StageInfo> info = new ArrayList<>();
        int in = stemWidth;
        for (int s = 0; s < stages; s++) {
            int out = w[residualAt + s];
            SequentialBlock stage = new SequentialBlock();
            for (int j = 0; j < depths[s]; j++) {
                int stride = j == 0 && s > 0 ? 2 : 1;
                SequentialBlock main = new SequentialBlock();
                Block shortcut = null;
                if (post) {
                    int inner = w[innerAt++];
                    main.add(convBn(in, inner, stride, Act.RELU))
                            .add(convBn(inner, out, 1, Act.NONE));
                    if (stride != 1 || in != out) {
                        shortcut = new PadShortcut(stride, out);
                    }
                } else if (bottleneck) {
                    int m1 = w[innerAt++];
                    int m2 = w[innerAt++];
                    main.add(bnRelu())
                            .add(conv(in, m1, 1, 1))
                            .add(bnRelu())
                            .add(conv(m1, m2, 3, stride))
                            .add(bnRelu())
                            .add(conv(m2, out, 1, 1));
                } else {
                    int inner = w[innerAt++];
                    main.add(bnRelu())
                            .add(conv(in, inner, 3, stride))
                            .add(bnRelu())
                            .add(conv(inner, out, 3, 1));
                }
                if (!post && (stride != 1 || in != out)) {
                    shortcut = conv(in, out, 1, stride);
                }
                stage.add(
                        ResidualBlock.builder()
                                .setMain(main)
                                .optShortcut(shortcut)
                                .optPostRelu(post)
                                .build());
                in = out;
            }
            if (!post && s == stages - 1) {
                // Pre-activation networks normalize the last block's sum before pooling.
                stage.add(bnRelu());
            }
            stageBlocks.add(stage);
            info.add(new StageInfo(s, in, 1 << s));
        }
        return VisionModel.builder()
                .setName(v.zooName())
                .setOptions(o)
                .setStem(stem)
                .setStages(stageBlocks, info)
                .setHead(ClassifierHead.linear(in, o.numClasses()))
                .build();
    }

    private static ConvBn convBn(int in, int out, int stride, Act act) {
        return ConvBn.builder()
                .setInChannels(in)
                .setOutChannels(out)
                .optKernel(3)
                .optStride(stride)
                .optAct(act)
                .build();
    }

    private static Conv2d conv(int in, int out, int kernel, int stride) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .setFilters(out)
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape((kernel - 1) / 2, (kernel - 1) / 2))
                .optBias(false)
                .build();
    }

    private static SequentialBlock bnRelu() {
        return new SequentialBlock().add(BatchNorm.builder().build()).add(new ActBlock(Act.RELU));
    }

    /**
     * Describes the channel groups of a network built by {@link #create}, in width-table order (see
     * {@link CifarVariant#defaultWidths()}). Residual widths (and the bottleneck stem, which feeds
     * the first residual sum) are shared by every block of a stage through the identity shortcuts:
     * they are listed as not prunable, without members.
     *
     * @param variant the model's variant
     * @param model the model
     * @return the groups
     */
    public static List<ChannelGroup> groups(CifarVariant variant, VisionModel model) {
        int[] widths = model.getOptions().widths().orElse(variant.defaultWidths());
        List<ChannelGroup> out = new ArrayList<>();
        List<Block> stages = model.getStageBlocks();
        if (variant.layout() == CifarVariant.Layout.VGG) {
            List<ConvBn> convs = new ArrayList<>();
            List<Integer> stageOf = new ArrayList<>();
            for (int s = 0; s < stages.size(); s++) {
                for (Pair<String, Block> c : stages.get(s).getChildren()) {
                    if (c.getValue() instanceof ConvBn) {
                        convs.add((ConvBn) c.getValue());
                        stageOf.add(s);
                    }
                }
            }
            Parameter fc = linearWeight(model.getHead());
            for (int i = 0; i < convs.size(); i++) {
                Map<String, Parameter> p = named(convs.get(i));
                List<ChannelGroup.Member> m = new ArrayList<>(outputs(p, "conv.weight", "bn."));
                m.add(
                        new ChannelGroup.Member(
                                i + 1 < convs.size()
                                        ? named(convs.get(i + 1)).get("conv.weight")
                                        : fc,
                                1));
                out.add(
                        new ChannelGroup(
                                "features." + i,
                                widths[i],
                                stageOf.get(i),
                                true,
                                p.get("bn.gamma"),
                                p.get("conv.weight"),
                                List.copyOf(m)));
            }
            return out;
        }
        boolean bottleneck = variant.layout() == CifarVariant.Layout.PRERESNET_BOTTLENECK;
        int at = 0;
        if (bottleneck) {
            out.add(new ChannelGroup("stem", widths[at++], 0, false, null, null, List.of()));
        }
        for (int s = 0; s < stages.size(); s++) {
            out.add(
                    new ChannelGroup(
                            "stages_" + s + ".residual",
                            widths[at++],
                            s,
                            false,
                            null,
                            null,
                            List.of()));
        }
        for (int s = 0; s < stages.size(); s++) {
            int j = 0;
            for (Pair<String, Block> c : stages.get(s).getChildren()) {
                if (!(c.getValue() instanceof ResidualBlock)) {
                    continue;
                }
                List<Block> main = ((ResidualBlock) c.getValue()).getMain().getChildren().values();
                String prefix = "stages_" + s + "." + j;
                if (variant.layout() == CifarVariant.Layout.RESNET) {
                    Map<String, Parameter> p = named(main.get(0));
                    List<ChannelGroup.Member> m = new ArrayList<>(outputs(p, "conv.weight", "bn."));
                    m.add(new ChannelGroup.Member(named(main.get(1)).get("conv.weight"), 1));
                    out.add(
                            new ChannelGroup(
                                    prefix + ".inner",
                                    widths[at++],
                                    s,
                                    true,
                                    p.get("bn.gamma"),
                                    p.get("conv.weight"),
                                    List.copyOf(m)));
                } else {
                    int inner = bottleneck ? 2 : 1;
                    for (int k = 0; k < inner; k++) {
                        // main: bn-relu, conv, bn-relu, conv[, bn-relu, conv]; group k is the
                        // output
                        // of conv 2k+1, normalized by bn-relu 2k+2 and read by conv 2k+3.
                        Map<String, Parameter> producer = named(main.get(2 * k + 1));
                        Map<String, Parameter> norm = named(main.get(2 * k + 2));
                        List<ChannelGroup.Member> m = new ArrayList<>();
                        m.add(new ChannelGroup.Member(producer.get("weight"), 0));
                        m.addAll(outputs(norm, null, "0."));
                        m.add(new ChannelGroup.Member(named(main.get(2 * k + 3)).get("weight"), 1));
                        out.add(
                                new ChannelGroup(
                                        prefix + (bottleneck ? ".inner" + (k + 1) : ".inner"),
                                        widths[at++],
                                        s,
                                        true,
                                        norm.get("0.gamma"),
                                        producer.get("weight"),
                                        List.copyOf(m)));
                    }
                }
                j++;
            }
        }
        if (at != widths.length) {
            throw new IllegalStateException(
                    variant.zooName() + ": described " + at + " of " + widths.length + " widths");
        }
        return out;
    }

    private static List<ChannelGroup.Member> outputs(
            Map<String, Parameter> p, String weight, String bnPrefix) {
        List<ChannelGroup.Member> m = new ArrayList<>();
        if (weight != null) {
            m.add(new ChannelGroup.Member(p.get(weight), 0));
        }
        for (String k : Arrays.asList("gamma", "beta", "runningMean", "runningVar")) {
            m.add(new ChannelGroup.Member(p.get(bnPrefix + k), 0));
        }
        return m;
    }

    private static Parameter linearWeight(Block head) {
        for (ParameterNames.Named n : ParameterNames.of(head)) {
            if (n.name().endsWith("weight")) {
                return n.parameter();
            }
        }
        throw new IllegalStateException("the head has no linear weight");
    }

    private static Map<String, Parameter> named(Block block) {
        Map<String, Parameter> map = new HashMap<>();
        for (ParameterNames.Named n : ParameterNames.of(block)) {
            map.put(n.name(), n.parameter());
        }
        return map;
    }
}
