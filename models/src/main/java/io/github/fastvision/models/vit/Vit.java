package io.github.fastvision.models.vit;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.LayerNorm2d;
import io.github.fastvision.core.pflayer.EfficientTransformerBlock;
import io.github.fastvision.core.vit.AbstractTransformerBlock;
import io.github.fastvision.core.vit.TransformerBlock;
import io.github.fastvision.models.ClassifierHead;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.StageInfo;
import io.github.fastvision.models.VisionModel;
import java.util.ArrayList;
import java.util.List;

/**
 * ViT (Dosovitskiy et al. 2021) and PiT (Heo et al. 2021) with pflayer's efficient transformer
 * blocks (§4.2, appendix A): in the max-pool and dw-conv variants the odd blocks of every stage
 * replace attention with a {@code PoolingTokenMixer} (GELU, as in the authors' released code), the
 * class token is dropped and the head averages the normalized tokens.
 */
public final class Vit {

    private Vit() {}

    /**
     * Builds a ViT or PiT.
     *
     * @param variant the variant
     * @param options classes, input size and channels, drop path
     * @return the model
     */
    public static VisionModel create(VitVariant variant, ModelOptions options) {
        options.requireFamilyStem(variant.zooName());
        boolean cls = variant.mixer() == VitVariant.Mixer.ATTENTION;
        boolean pit = variant.kind() == VitVariant.Kind.PIT;
        PatchEmbed stem =
                PatchEmbed.builder()
                        .setInChannels(options.inChannels())
                        .setDim(variant.dim(0))
                        .setPatch(variant.patch())
                        .optStride(variant.stride())
                        .setImageSize(options.inputSize())
                        .optClassToken(cls)
                        .optLayout(
                                pit
                                        ? PatchEmbed.PositionLayout.SPATIAL
                                        : PatchEmbed.PositionLayout.TOKENS)
                        .build();
        int[] depths = variant.depths();
        int total = 0;
        for (int d : depths) {
            total += d;
        }
        float[] rates =
                ModelOptions.dropPathSchedule(total, options.dropPathOr(variant.dropPath()));
        List<Block> stages = new ArrayList<>();
        List<StageInfo> info = new ArrayList<>();
        int block = 0;
        int inDim = variant.dim(0);
        for (int s = 0; s < depths.length; s++) {
            int dim = variant.dim(s);
            List<AbstractTransformerBlock> blocks = new ArrayList<>();
            for (int j = 0; j < depths[s]; j++) {
                blocks.add(block(variant, dim, variant.heads()[s], j, rates[block++]));
            }
            stages.add(new TransformerStage(inDim, dim, cls, blocks));
            info.add(new StageInfo(s, dim, variant.stride() << s));
            inDim = dim;
        }
        int last = variant.dim(depths.length - 1);
        ClassifierHead head =
                cls
                        ? ClassifierHead.builder()
                                .optPooling(ClassifierHead.Pooling.CLASS_TOKEN)
                                .optPostPool("norm", new LayerNorm2d(last, 1e-6f))
                                .setFeatures(last)
                                .setNumClasses(options.numClasses())
                                .build()
                        : ClassifierHead.builder()
                                .optPrePool("norm", new LayerNorm2d(last, 1e-6f))
                                .setFeatures(last)
                                .setNumClasses(options.numClasses())
                                .build();
        VisionModel model =
                VisionModel.builder()
                        .setName(variant.zooName())
                        .setOptions(options)
                        .setStem(stem)
                        .setStages(stages, info)
                        .setHead(head)
                        .build();
        // The official code initializes conv and linear weights from a truncated normal, std 0.02.
        model.setInitializer(new TruncatedNormalInitializer(0.02f), Parameter.Type.WEIGHT);
        return model;
    }

    private static AbstractTransformerBlock block(
            VitVariant v, int dim, int heads, int index, float rate) {
        if (v.mixer() == VitVariant.Mixer.ATTENTION || index % 2 == 0) {
            return TransformerBlock.builder()
                    .setDim(dim)
                    .setHeads(heads)
                    .optMlpRatio(4)
                    .optDropPath(rate)
                    .build();
        }
        EfficientTransformerBlock.Builder b =
                EfficientTransformerBlock.builder()
                        .setDim(dim)
                        .optMlpRatio(4)
                        .optDropPath(rate)
                        .optAct(Act.GELU);
        if (v.mixer() == VitVariant.Mixer.DWCONV) {
            b.optDepthwiseConv(5);
        }
        return b.build();
    }
}
