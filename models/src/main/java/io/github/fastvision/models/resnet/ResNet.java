package io.github.fastvision.models.resnet;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.pflayer.EfficientBottleneck;
import io.github.fastvision.core.pflayer.ParameterFreeOp;
import io.github.fastvision.core.resnet.AbstractBottleneck;
import io.github.fastvision.core.resnet.Bottleneck;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ChannelGroups;
import io.github.fastvision.models.ClassifierHead;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.StageInfo;
import io.github.fastvision.models.VisionModel;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet v1.5 (He et al. 2016, torchvision's layout: stride in the 3×3 conv) and pflayer's
 * parameter-free ResNets (Han et al., ICLR 2022, §4.1, appendix A): a 7×7/2 conv-BN-ReLU stem and
 * 3×3/2 max-pool, four stages of bottlenecks (planes 64/128/256/512, outputs ×4), a linear head.
 * The {@link BlockPattern} decides which positions are efficient bottlenecks. Stage features are at
 * strides 4, 8, 16, 32.
 */
public final class ResNet {

    private ResNet() {}

    /**
     * Builds a ResNet.
     *
     * @param variant the variant
     * @param options classes, input size and channels (drop path is not used by ResNets), and
     *     optionally the width table ({@link ResNetVariant#defaultWidths()})
     * @return the model
     * @throws IllegalArgumentException when the width table has the wrong length
     */
    public static VisionModel create(ResNetVariant variant, ModelOptions options) {
        options.requireFamilyStem(variant.zooName());
        int[] widths = ChannelGroups.resolve(options, variant.zooName(), variant.defaultWidths());
        Block stem =
                new SequentialBlock()
                        .add(
                                ConvBn.builder()
                                        .setInChannels(options.inChannels())
                                        .setOutChannels(variant.stemWidth())
                                        .optKernel(7)
                                        .optStride(2)
                                        .optAct(Act.RELU)
                                        .build())
                        .add(
                                Pool2d.builder()
                                        .setMode(Pool2d.Mode.MAX)
                                        .setKernel(3)
                                        .optStride(2)
                                        .optPadding(1)
                                        .build());
        int[] depths = variant.depths();
        List<Block> stages = new ArrayList<>();
        List<StageInfo> info = new ArrayList<>();
        int in = variant.stemWidth();
        int at = 0;
        for (int s = 0; s < depths.length; s++) {
            SequentialBlock stage = new SequentialBlock();
            for (int j = 0; j < depths[s]; j++) {
                int stride = j == 0 && s > 0 ? 2 : 1;
                AbstractBottleneck b =
                        bottleneck(
                                variant,
                                variant.pattern().kind(j, stride),
                                in,
                                variant.stemWidth() << s,
                                stride,
                                widths,
                                at);
                at += b instanceof EfficientBottleneck ? 1 : 2;
                stage.add(b);
                in = b.getOutChannels();
            }
            stages.add(stage);
            info.add(new StageInfo(s, in, 4 << s));
        }
        VisionModel model =
                VisionModel.builder()
                        .setName(variant.zooName())
                        .setOptions(options)
                        .setStem(stem)
                        .setStages(stages, info)
                        .setHead(ClassifierHead.linear(in, options.numClasses()))
                        .build();
        // torchvision: Kaiming normal, fan-out, for the convolutions.
        model.setInitializer(
                new XavierInitializer(
                        XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2),
                Parameter.Type.WEIGHT);
        return model;
    }

    private static AbstractBottleneck bottleneck(
            ResNetVariant v,
            BlockPattern.Kind kind,
            int in,
            int planes,
            int stride,
            int[] widths,
            int at) {
        if (kind == BlockPattern.Kind.EFFICIENT) {
            return EfficientBottleneck.builder()
                    .optInnerWidth(widths[at])
                    .setInChannels(in)
                    .setPlanes(planes)
                    .optStride(stride)
                    .optBaseWidth(v.baseWidth())
                    .optSqueezeExcite(v.seReduction())
                    .optOp(v.op())
                    .build();
        }
        return Bottleneck.builder()
                .optInnerWidths(widths[at], widths[at + 1])
                .setInChannels(in)
                .setPlanes(planes)
                .optStride(stride)
                .optBaseWidth(v.baseWidth())
                .optSqueezeExcite(v.seReduction())
                .optDownsampling(
                        kind == BlockPattern.Kind.REGULAR_AVG_DOWN
                                ? Bottleneck.Downsampling.AVG_POOL
                                : Bottleneck.Downsampling.STRIDED_CONV)
                .build();
    }

    /**
     * Describes the channel groups of a ResNet built by {@link #create}, in width-table order
     * ({@link ResNetVariant#defaultWidths()}): per regular bottleneck {@code stages_S.K.conv1}
     * (conv1's outputs, normalized by its BN, read by conv2) and {@code stages_S.K.conv2} (conv2's
     * outputs, read by conv3); per efficient bottleneck {@code stages_S.K.conv1} (conv1's outputs,
     * through the parameter-free op to conv3, and read by a deformable op's offset predictor). The
     * block outputs stay whole: every block of a stage adds them to its shortcut.
     *
     * @param variant the model's variant
     * @param model the model
     * @return the groups
     */
    public static List<ChannelGroup> groups(ResNetVariant variant, VisionModel model) {
        List<ChannelGroup> out = new ArrayList<>();
        List<Block> stages = model.getStageBlocks();
        for (int s = 0; s < stages.size(); s++) {
            int k = 0;
            for (Pair<String, Block> c : stages.get(s).getChildren()) {
                AbstractBottleneck b = (AbstractBottleneck) c.getValue();
                String prefix = "stages_" + s + "." + k++;
                if (b instanceof EfficientBottleneck) {
                    ParameterFreeOp op = ((EfficientBottleneck) b).getOp();
                    boolean deformable =
                            op == ParameterFreeOp.DEFORM_MAX || op == ParameterFreeOp.DEFORM_AVG;
                    out.add(
                            ChannelGroups.inner(
                                    prefix + ".conv1",
                                    b.getWidth(),
                                    s,
                                    b,
                                    "conv1.conv.weight",
                                    null,
                                    "conv1.bn.",
                                    deformable
                                            ? List.of(
                                                    "conv3.conv.weight", "pool.offset_conv.weight")
                                            : List.of("conv3.conv.weight")));
                    continue;
                }
                // A hybrid downsampling bottleneck's conv2 sits after its 2×2 average pool.
                String conv2 =
                        ((Bottleneck) b).getDownsampling() == Bottleneck.Downsampling.AVG_POOL
                                        && b.getStride() == 2
                                ? "conv2.1."
                                : "conv2.";
                out.add(
                        ChannelGroups.inner(
                                prefix + ".conv1",
                                b.getWidth(),
                                s,
                                b,
                                "conv1.conv.weight",
                                null,
                                "conv1.bn.",
                                List.of(conv2 + "conv.weight")));
                out.add(
                        ChannelGroups.inner(
                                prefix + ".conv2",
                                b.getSpatialWidth(),
                                s,
                                b,
                                conv2 + "conv.weight",
                                null,
                                conv2 + "bn.",
                                List.of("conv3.conv.weight")));
            }
        }
        int expected = variant.defaultWidths().length;
        if (out.size() != expected) {
            throw new IllegalStateException(
                    variant.zooName()
                            + ": described "
                            + out.size()
                            + " of "
                            + expected
                            + " widths");
        }
        return out;
    }
}
