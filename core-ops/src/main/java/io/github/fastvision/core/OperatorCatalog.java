package io.github.fastvision.core;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.fastvision.core.convnext.ConvNeXtBlock;
import io.github.fastvision.core.convnext.ConvNeXtDownsample;
import io.github.fastvision.core.convnext.ConvNeXtStem;
import io.github.fastvision.core.fasternet.FasterNetBlock;
import io.github.fastvision.core.fasternet.FasterNetEmbedding;
import io.github.fastvision.core.fasternet.FasterNetMerging;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.DropPath;
import io.github.fastvision.core.layers.LayerNorm2d;
import io.github.fastvision.core.layers.LayerScale;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.layers.SqueezeExcite;
import io.github.fastvision.core.pconv.PartialConv2d;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.core.pflayer.EfficientBottleneck;
import io.github.fastvision.core.pflayer.EfficientTransformerBlock;
import io.github.fastvision.core.pflayer.ParameterFreeOp;
import io.github.fastvision.core.resnet.Bottleneck;
import io.github.fastvision.core.rexnet.ReXNetBlock;
import io.github.fastvision.core.vit.TransformerBlock;
import java.util.List;
import java.util.function.Supplier;

/**
 * One representative configuration of every core operator with a small input: what the demo
 * runs and what the block contract tests sweep. Configurations follow the papers' first stages.
 */
public final class OperatorCatalog {

    /**
     * One operator configuration.
     *
     * @param name a stable snake_case name
     * @param source the paper section it implements
     * @param factory creates a fresh, uninitialized block
     * @param input the input shape to run it on
     */
    public record Entry(String name, String source, Supplier<Block> factory, Shape input) {}

    private static final List<Entry> ENTRIES =
            List.of(
                    new Entry(
                            "conv_bn",
                            "fasternet §4 (BN merged)",
                            () ->
                                    ConvBn.builder()
                                            .setInChannels(16)
                                            .setOutChannels(32)
                                            .optKernel(3)
                                            .optAct(Act.RELU)
                                            .build(),
                            new Shape(2, 16, 16, 16)),
                    new Entry(
                            "pconv3x3_r4",
                            "fasternet §3.2",
                            () -> PartialConv2d.builder().setChannels(64).build(),
                            new Shape(2, 64, 16, 16)),
                    new Entry(
                            "fasternet_block",
                            "fasternet §3.4",
                            () -> FasterNetBlock.builder().setChannels(40).optAct(Act.GELU).build(),
                            new Shape(2, 40, 16, 16)),
                    new Entry(
                            "fasternet_embedding",
                            "fasternet §3.4",
                            () -> FasterNetEmbedding.builder().setEmbedDim(40).build(),
                            new Shape(2, 3, 32, 32)),
                    new Entry(
                            "fasternet_merging",
                            "fasternet §3.4",
                            () -> FasterNetMerging.builder().setInChannels(40).build(),
                            new Shape(2, 40, 16, 16)),
                    new Entry(
                            "bottleneck",
                            "ResNet (pflayer Fig. A.1a)",
                            () -> Bottleneck.builder().setInChannels(256).setPlanes(64).build(),
                            new Shape(2, 256, 8, 8)),
                    new Entry(
                            "bottleneck_se",
                            "SE-ResNet (pflayer Table 4)",
                            () ->
                                    Bottleneck.builder()
                                            .setInChannels(256)
                                            .setPlanes(64)
                                            .optSqueezeExcite(16)
                                            .build(),
                            new Shape(2, 256, 8, 8)),
                    new Entry(
                            "hybrid_downsample_bottleneck",
                            "pflayer appendix A",
                            () ->
                                    Bottleneck.builder()
                                            .setInChannels(256)
                                            .setPlanes(128)
                                            .optStride(2)
                                            .optDownsampling(Bottleneck.Downsampling.AVG_POOL)
                                            .build(),
                            new Shape(2, 256, 8, 8)),
                    new Entry(
                            "efficient_bottleneck_max",
                            "pflayer §3.2",
                            () ->
                                    EfficientBottleneck.builder()
                                            .setInChannels(256)
                                            .setPlanes(64)
                                            .build(),
                            new Shape(2, 256, 8, 8)),
                    new Entry(
                            "efficient_bottleneck_avg_s2",
                            "pflayer appendix B",
                            () ->
                                    EfficientBottleneck.builder()
                                            .setInChannels(256)
                                            .setPlanes(128)
                                            .optStride(2)
                                            .optOp(ParameterFreeOp.AVG_POOL)
                                            .build(),
                            new Shape(2, 256, 8, 8)),
                    new Entry(
                            "deformable_max_pool",
                            "pflayer §5.1",
                            () -> DeformablePool2d.builder().setChannels(16).build(),
                            new Shape(2, 16, 12, 12)),
                    new Entry(
                            "deformable_avg_pool_s2",
                            "pflayer appendix B",
                            () ->
                                    DeformablePool2d.builder()
                                            .setChannels(16)
                                            .optStride(2)
                                            .optMode(Pool2d.Mode.AVG)
                                            .build(),
                            new Shape(2, 16, 12, 12)),
                    new Entry(
                            "transformer_block",
                            "ViT (pflayer Fig. A.1b)",
                            () -> TransformerBlock.builder().setDim(48).setHeads(3).build(),
                            new Shape(2, 16, 48)),
                    new Entry(
                            "efficient_transformer_block",
                            "pflayer §4.2",
                            () -> EfficientTransformerBlock.builder().setDim(48).build(),
                            new Shape(2, 16, 48)),
                    new Entry(
                            "efficient_transformer_block_dwconv",
                            "pflayer §4.2, Table 6",
                            () ->
                                    EfficientTransformerBlock.builder()
                                            .setDim(48)
                                            .optDepthwiseConv(5)
                                            .build(),
                            new Shape(2, 16, 48)),
                    new Entry(
                            "convnext_block",
                            "thesis §4.3",
                            () -> ConvNeXtBlock.builder().setDim(96).build(),
                            new Shape(2, 96, 8, 8)),
                    new Entry(
                            "convnext_stem",
                            "thesis §4.3",
                            () -> new ConvNeXtStem(3, 96, 4),
                            new Shape(2, 3, 32, 32)),
                    new Entry(
                            "convnext_downsample",
                            "thesis §4.3",
                            () -> new ConvNeXtDownsample(96, 192),
                            new Shape(2, 96, 8, 8)),
                    new Entry(
                            "rexnet_block",
                            "rexnet §4.4",
                            () -> ReXNetBlock.builder().setInChannels(16).setOutChannels(27).build(),
                            new Shape(2, 16, 16, 16)),
                    new Entry(
                            "rexnet_block_t1",
                            "rexnet appendix B",
                            () ->
                                    ReXNetBlock.builder()
                                            .setInChannels(32)
                                            .setOutChannels(16)
                                            .optExpansion(1)
                                            .optSeRatio(0)
                                            .build(),
                            new Shape(2, 32, 16, 16)),
                    new Entry(
                            "squeeze_excite",
                            "SENet",
                            () -> SqueezeExcite.builder().setChannels(64).build(),
                            new Shape(2, 64, 8, 8)),
                    new Entry(
                            "layer_norm_2d",
                            "thesis §4.3",
                            () -> new LayerNorm2d(32, 1e-6f),
                            new Shape(2, 32, 8, 8)),
                    new Entry(
                            "layer_scale",
                            "thesis §4.3",
                            () -> LayerScale.builder().setChannels(32).optInitValue(1e-6f).build(),
                            new Shape(2, 32, 8, 8)),
                    new Entry(
                            "drop_path",
                            "stochastic depth",
                            () -> new DropPath(0.1f),
                            new Shape(2, 32, 8, 8)));

    private OperatorCatalog() {}

    /**
     * Returns every entry.
     *
     * @return the catalog
     */
    public static List<Entry> entries() {
        return ENTRIES;
    }
}
