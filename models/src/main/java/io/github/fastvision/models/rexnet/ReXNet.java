package io.github.fastvision.models.rexnet;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.ActBlock;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.rexnet.ReXNetBlock;
import io.github.fastvision.models.ClassifierHead;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.StageInfo;
import io.github.fastvision.models.VisionModel;
import java.util.ArrayList;
import java.util.List;

/**
 * ReXNet (Han et al., CVPR 2021, §4.4, appendix B): a 3×3/2 stem, 16 linear bottlenecks whose
 * widths grow linearly with the block index, a 1×1 conv to the penultimate width, pooling, dropout
 * 0.2 and the classifier. ReXNet-lite and ReXNet-plain are built here too. Stage features are taken
 * where the resolution halves: strides 2, 4, 8, 16, 32.
 */
public final class ReXNet {

    /** MobileNetV1's depthwise strides, which ReXNet-plain keeps. */
    private static final int[] PLAIN_STRIDES = {1, 2, 1, 2, 1, 2, 1, 1, 1, 1, 1, 2, 1};

    private ReXNet() {}

    /**
     * Builds a ReXNet.
     *
     * @param variant the variant
     * @param options classes, input size and channels (ReXNet has no drop path)
     * @return the model
     */
    public static VisionModel create(ReXNetVariant variant, ModelOptions options) {
        options.requireFamilyStem(variant.zooName());
        switch (variant.design()) {
            case V1:
            case LITE:
                return bottleneckNet(variant, options);
            case PLAIN:
                return plain(variant, options);
            default:
                throw new AssertionError(variant);
        }
    }

    private static VisionModel bottleneckNet(ReXNetVariant variant, ModelOptions options) {
        boolean lite = variant.design() == ReXNetVariant.Design.LITE;
        ReXNetChannels ch =
                lite ? ReXNetChannels.lite(variant.width()) : ReXNetChannels.v1(variant.width());
        Act act = lite ? Act.RELU6 : Act.SILU;
        Block stem = convBn(options.inChannels(), ch.stem(), 3, 2, 1, act);
        int[] strides = ReXNetChannels.blockStrides();
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < ReXNetChannels.BLOCKS; i++) {
            blocks.add(
                    ReXNetBlock.builder()
                            .setInChannels(ch.in()[i])
                            .setOutChannels(ch.out()[i])
                            .optExpansion(i == 0 ? 1 : 6)
                            .optStride(strides[i])
                            // SE from the fourth block on (use_ses = F, F, T, T, T, T per stage).
                            .optSeRatio(!lite && i >= 3 ? 1.0 / 12 : 0)
                            .optExpansionAct(lite ? Act.RELU6 : Act.SILU)
                            .optDepthwiseAct(lite ? Act.RELU6 : Act.NONE)
                            .build());
        }
        int last = ch.out()[ReXNetChannels.BLOCKS - 1];
        Block penultimate = convBn(last, ch.penultimate(), 1, 1, 1, act);
        ClassifierHead head;
        if (lite) {
            Block fcHead =
                    new SequentialBlock()
                            .add(
                                    Conv2d.builder()
                                            .setKernelShape(new Shape(1, 1))
                                            .setFilters(1024)
                                            .build())
                            .add(BatchNorm.builder().build())
                            .add(new ActBlock(Act.RELU6));
            head =
                    ClassifierHead.builder()
                            .optPrePool("conv_head", penultimate)
                            .optPostPool("fc_head", fcHead)
                            .setFeatures(1024)
                            .setNumClasses(options.numClasses())
                            .optDropout(0.2f)
                            .build();
        } else {
            head =
                    ClassifierHead.builder()
                            .optPrePool("conv_head", penultimate)
                            .setFeatures(ch.penultimate())
                            .setNumClasses(options.numClasses())
                            .optDropout(0.2f)
                            .build();
        }
        return assemble(variant, options, stem, ch.stem(), blocks, strides, ch.out(), head);
    }

    private static VisionModel plain(ReXNetVariant variant, ModelOptions options) {
        Block stem = convBn(options.inChannels(), 32, 3, 2, 1, Act.RELU);
        List<Block> blocks = new ArrayList<>();
        int[] out = new int[PLAIN_STRIDES.length];
        int in = 32;
        for (int i = 0; i < PLAIN_STRIDES.length; i++) {
            out[i] = i == PLAIN_STRIDES.length - 1 ? 1024 : 96 + 48 * i;
            blocks.add(
                    new SequentialBlock()
                            .add(convBn(in, in, 3, PLAIN_STRIDES[i], in, Act.RELU))
                            .add(convBn(in, out[i], 1, 1, 1, Act.SILU)));
            in = out[i];
        }
        ClassifierHead head = ClassifierHead.linear(1024, options.numClasses());
        return assemble(variant, options, stem, 32, blocks, PLAIN_STRIDES, out, head);
    }

    /** Groups blocks into stages that start where a block has stride 2. */
    private static VisionModel assemble(
            ReXNetVariant variant,
            ModelOptions options,
            Block stem,
            int stemWidth,
            List<Block> blocks,
            int[] strides,
            int[] widths,
            ClassifierHead head) {
        List<Block> stages = new ArrayList<>();
        List<StageInfo> info = new ArrayList<>();
        SequentialBlock stage = new SequentialBlock();
        int stride = 2;
        for (int i = 0; i < blocks.size(); i++) {
            if (strides[i] == 2) {
                stages.add(stage);
                info.add(new StageInfo(info.size(), widths[i - 1], stride));
                stage = new SequentialBlock();
                stride *= 2;
            }
            stage.add(blocks.get(i));
        }
        stages.add(stage);
        info.add(new StageInfo(info.size(), widths[widths.length - 1], stride));
        return VisionModel.builder()
                .setName(variant.zooName())
                .setOptions(options)
                .setStem(stem)
                .setStages(stages, info)
                .setHead(head)
                .build();
    }

    private static ConvBn convBn(int in, int out, int kernel, int stride, int groups, Act act) {
        return ConvBn.builder()
                .setInChannels(in)
                .setOutChannels(out)
                .optKernel(kernel)
                .optStride(stride)
                .optGroups(groups)
                .optAct(act)
                .build();
    }
}
