package io.github.fastvision.models.resnet;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.initializer.XavierInitializer;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.pflayer.EfficientBottleneck;
import io.github.fastvision.core.resnet.AbstractBottleneck;
import io.github.fastvision.core.resnet.Bottleneck;
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
     * @param options classes, input size and channels (drop path is not used by ResNets)
     * @return the model
     */
    public static VisionModel create(ResNetVariant variant, ModelOptions options) {
        options.requireFamilyStem(variant.zooName());
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
                                stride);
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
            ResNetVariant v, BlockPattern.Kind kind, int in, int planes, int stride) {
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
        return Bottleneck.builder()
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
}
