package io.github.fastvision.models.convnext;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.Pair;
import io.github.fastvision.core.convnext.ConvNeXtBlock;
import io.github.fastvision.core.convnext.ConvNeXtDownsample;
import io.github.fastvision.core.convnext.ConvNeXtStem;
import io.github.fastvision.core.layers.LayerNorm2d;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ChannelGroups;
import io.github.fastvision.models.ClassifierHead;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.StageInfo;
import io.github.fastvision.models.VisionModel;
import java.util.ArrayList;
import java.util.List;

/**
 * ConvNeXt (Liu et al. 2022; thesis ch. 4 §4.3): a 4×4/4 patchify stem with LayerNorm, four stages
 * of ConvNeXt blocks separated by LayerNorm + 2×2/2 downsampling, and a head of global pooling,
 * LayerNorm and a linear classifier. The isotropic variants (§4.5) use a 16×16/16 stem without norm
 * and a single stage at stride 16.
 */
public final class ConvNeXt {

    private ConvNeXt() {}

    /**
     * Builds a ConvNeXt.
     *
     * @param variant the variant
     * @param options classes, input size and channels, drop path, optionally the width table (the
     *     MLP hidden widths, {@link ConvNeXtVariant#defaultWidths()})
     * @return the model
     */
    public static VisionModel create(ConvNeXtVariant variant, ModelOptions options) {
        int[] depths = variant.depths();
        int[] dims = variant.dims();
        int[] hidden = ChannelGroups.resolve(options, variant.zooName(), variant.defaultWidths());
        int total = 0;
        for (int d : depths) {
            total += d;
        }
        float[] rates =
                ModelOptions.dropPathSchedule(total, options.dropPathOr(variant.dropPath()));
        if (variant.isIsotropic()) {
            options.requireFamilyStem(variant.zooName());
        }
        int patch = variant.isIsotropic() ? 16 : options.stemStrideOr(4);
        Block stem =
                variant.isIsotropic()
                        ? Conv2d.builder()
                                .setKernelShape(new Shape(patch, patch))
                                .optStride(new Shape(patch, patch))
                                .setFilters(dims[0])
                                .build()
                        : new ConvNeXtStem(options.inChannels(), dims[0], patch);
        List<Block> stages = new ArrayList<>();
        List<StageInfo> info = new ArrayList<>();
        int block = 0;
        for (int s = 0; s < depths.length; s++) {
            SequentialBlock stage = new SequentialBlock();
            if (s > 0) {
                stage.add(new ConvNeXtDownsample(dims[s - 1], dims[s]));
            }
            for (int j = 0; j < depths[s]; j++) {
                stage.add(
                        ConvNeXtBlock.builder()
                                .setDim(dims[s])
                                .optHiddenWidth(hidden[block])
                                .optDropPath(rates[block++])
                                .optLayerScale(variant.layerScale())
                                .build());
            }
            stages.add(stage);
            info.add(new StageInfo(s, dims[s], patch << s));
        }
        int last = dims[dims.length - 1];
        ClassifierHead head =
                ClassifierHead.builder()
                        .setFeatures(last)
                        .setNumClasses(options.numClasses())
                        .optPostPool("norm", new LayerNorm2d(last, 1e-6f))
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
     * Describes the channel groups of a ConvNeXt built by {@link #create}, in width-table order:
     * per block, {@code stages_S.K.mlp_hidden} (the outputs of {@code pwconv1} with its bias, read
     * by {@code pwconv2}). The group follows a LayerNorm, not a BN, so it has no scale (Network
     * Slimming does not apply); the layer scale {@code gamma} acts on the block output, which stays
     * whole with the rest of the stage width.
     *
     * @param variant the model's variant
     * @param model the model
     * @return the groups
     */
    public static List<ChannelGroup> groups(ConvNeXtVariant variant, VisionModel model) {
        List<ChannelGroup> out = new ArrayList<>();
        List<Block> stages = model.getStageBlocks();
        for (int s = 0; s < stages.size(); s++) {
            int k = 0;
            for (Pair<String, Block> c : stages.get(s).getChildren()) {
                if (c.getValue() instanceof ConvNeXtBlock) {
                    ConvNeXtBlock b = (ConvNeXtBlock) c.getValue();
                    out.add(
                            ChannelGroups.inner(
                                    "stages_" + s + "." + k + ".mlp_hidden",
                                    b.getHiddenWidth(),
                                    s,
                                    b,
                                    "pwconv1.weight",
                                    "pwconv1.bias",
                                    null,
                                    List.of("pwconv2.weight")));
                }
                k++;
            }
        }
        return out;
    }
}
