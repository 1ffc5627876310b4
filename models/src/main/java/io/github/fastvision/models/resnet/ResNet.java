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
     * @param options classes, input size and channels (drop path is not used by ResNets), and for
     *     the regular ResNets optionally the width table ({@link ResNetVariant#defaultWidths()})
     * @return the model
     * @throws IllegalArgumentException when widths are given to a parameter-free ResNet or the
     *     table has the wrong length
     */
    public static VisionModel create(ResNetVariant variant, ModelOptions options) {
        options.requireFamilyStem(variant.zooName());
        if (options.widths().isPresent() && !variant.hasWidthTable()) {
            throw new IllegalArgumentException(
                    variant.zooName()
                            + " has no width table (its efficient bottlenecks have a"
                            + " parameter-free spatial op); widths apply to the regular ResNets,"
                            + " e.g. resnet50, resnet101, wide_resnet50_2");
        }
        int[] widths =
                variant.hasWidthTable()
                        ? ChannelGroups.resolve(options, variant.zooName(), variant.defaultWidths())
                        : null;
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
                at += 2;
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
                    .setInChannels(in)
                    .setPlanes(planes)
                    .optStride(stride)
                    .optBaseWidth(v.baseWidth())
                    .optSqueezeExcite(v.seReduction())
                    .optOp(v.op())
                    .build();
        }
        Bottleneck.Builder b = Bottleneck.builder();
        if (widths != null) {
            b.optInnerWidths(widths[at], widths[at + 1]);
        }
        return b.setInChannels(in)
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
     * Describes the channel groups of a regular ResNet built by {@link #create}, in width-table
     * order ({@link ResNetVariant#defaultWidths()}): per bottleneck, {@code stages_S.J.conv1}
     * (conv1's outputs, normalized by its BN, read by conv2) and {@code stages_S.J.conv2} (conv2's
     * outputs, read by conv3). The block outputs stay whole: every block of a stage adds them to
     * its shortcut.
     *
     * @param variant the model's variant, one with a width table
     * @param model the model
     * @return the groups
     */
    public static List<ChannelGroup> groups(ResNetVariant variant, VisionModel model) {
        List<ChannelGroup> out = new ArrayList<>();
        List<Block> stages = model.getStageBlocks();
        for (int s = 0; s < stages.size(); s++) {
            int k = 0;
            for (Pair<String, Block> c : stages.get(s).getChildren()) {
                Bottleneck b = (Bottleneck) c.getValue();
                String prefix = "stages_" + s + "." + k++;
                out.add(
                        ChannelGroups.inner(
                                prefix + ".conv1",
                                b.getWidth(),
                                s,
                                b,
                                "conv1.conv.weight",
                                null,
                                "conv1.bn.",
                                "conv2.conv.weight"));
                out.add(
                        ChannelGroups.inner(
                                prefix + ".conv2",
                                b.getSpatialWidth(),
                                s,
                                b,
                                "conv2.conv.weight",
                                null,
                                "conv2.bn.",
                                "conv3.conv.weight"));
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
