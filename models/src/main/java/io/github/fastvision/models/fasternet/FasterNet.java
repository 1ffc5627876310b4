package io.github.fastvision.models.fasternet;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.Pair;
import io.github.fastvision.core.fasternet.FasterNetBlock;
import io.github.fastvision.core.fasternet.FasterNetEmbedding;
import io.github.fastvision.core.fasternet.FasterNetMerging;
import io.github.fastvision.core.layers.ActBlock;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ChannelGroups;
import io.github.fastvision.models.ClassifierHead;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.StageInfo;
import io.github.fastvision.models.VisionModel;
import java.util.ArrayList;
import java.util.List;

/**
 * FasterNet (Chen et al., CVPR 2023, §3.4, Fig. 4, Table 8): a 4×4/4 embedding, four stages of
 * FasterNet blocks with 2×2/2 merging layers that double the width between them, and a head of
 * global pooling, a 1×1 conv to 1280 channels with the block activation, and a linear classifier.
 * Stage features are at strides 4, 8, 16, 32.
 */
public final class FasterNet {

    private FasterNet() {}

    /**
     * Builds a FasterNet.
     *
     * @param variant the variant
     * @param options classes, input size and channels, drop path, optionally the width table
     * @return the model
     */
    public static VisionModel create(FasterNetVariant variant, ModelOptions options) {
        return create(variant, options, FasterNetBlock.DEFAULT_PARTIAL_RATIO);
    }

    /**
     * Builds a FasterNet whose PConv layers convolve another fraction of the channels (the
     * partial-ratio ablation of fasternet Table 5: 1/2, 1/4 (default), 1/8).
     *
     * @param variant the variant
     * @param options classes, input size and channels, drop path, optionally the width table (the
     *     MLP hidden widths, {@link FasterNetVariant#defaultWidths()})
     * @param partialRatio r, the convolved fraction of channels
     * @return the model
     */
    public static VisionModel create(
            FasterNetVariant variant, ModelOptions options, double partialRatio) {
        int[] depths = variant.depths();
        int[] hidden = ChannelGroups.resolve(options, variant.zooName(), variant.defaultWidths());
        int total = 0;
        for (int d : depths) {
            total += d;
        }
        float[] rates =
                ModelOptions.dropPathSchedule(total, options.dropPathOr(variant.dropPath()));
        int patch = options.stemStrideOr(4);
        Block stem =
                FasterNetEmbedding.builder()
                        .optInChannels(options.inChannels())
                        .setEmbedDim(variant.embedDim())
                        .optPatchSize(patch)
                        .optPatchStride(patch)
                        .build();
        List<Block> stages = new ArrayList<>();
        List<StageInfo> info = new ArrayList<>();
        int width = variant.embedDim();
        int block = 0;
        for (int s = 0; s < depths.length; s++) {
            SequentialBlock stage = new SequentialBlock();
            if (s > 0) {
                stage.add(FasterNetMerging.builder().setInChannels(width).build());
                width *= 2;
            }
            for (int j = 0; j < depths[s]; j++) {
                stage.add(
                        FasterNetBlock.builder()
                                .setChannels(width)
                                .optPartialRatio(partialRatio)
                                .optAct(variant.act())
                                .optHiddenWidth(hidden[block])
                                .optDropPath(rates[block++])
                                .build());
            }
            stages.add(stage);
            info.add(new StageInfo(s, width, patch << s));
        }
        Block convHead =
                new SequentialBlock()
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(1, 1))
                                        .setFilters(FasterNetVariant.FEATURE_DIM)
                                        .optBias(false)
                                        .build())
                        .add(new ActBlock(variant.act()));
        ClassifierHead head =
                ClassifierHead.builder()
                        .setFeatures(FasterNetVariant.FEATURE_DIM)
                        .setNumClasses(options.numClasses())
                        .optPostPool("conv_head", convHead)
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

    /**
     * Describes the channel groups of a FasterNet built by {@link #create}, in width-table order:
     * per block, {@code stages_S.K.mlp_hidden} (the outputs of {@code mlp_expand}'s 1×1 conv,
     * normalized by its BN, read by {@code mlp_project}). PConv and the block outputs stay whole:
     * they are the stage width every residual sum shares.
     *
     * @param variant the model's variant
     * @param model the model
     * @return the groups
     */
    public static List<ChannelGroup> groups(FasterNetVariant variant, VisionModel model) {
        List<ChannelGroup> out = new ArrayList<>();
        List<Block> stages = model.getStageBlocks();
        for (int s = 0; s < stages.size(); s++) {
            int k = 0;
            for (Pair<String, Block> c : stages.get(s).getChildren()) {
                if (c.getValue() instanceof FasterNetBlock) {
                    FasterNetBlock b = (FasterNetBlock) c.getValue();
                    out.add(
                            ChannelGroups.inner(
                                    "stages_" + s + "." + k + ".mlp_hidden",
                                    b.getHiddenWidth(),
                                    s,
                                    b,
                                    "mlp_expand.conv.weight",
                                    null,
                                    "mlp_expand.bn.",
                                    List.of("mlp_project.weight")));
                }
                k++;
            }
        }
        return out;
    }
}
