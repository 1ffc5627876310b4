package io.github.fastvision.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.anytime.MaskAware;
import io.github.fastvision.core.anytime.MaskedConv2d;
import io.github.fastvision.core.anytime.MaskedConvBn;
import io.github.fastvision.core.anytime.SpatialMask;
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
 * One representative configuration of every core operator with a small input: what the demo runs
 * and what the block contract tests sweep. Configurations follow the papers' first stages.
 */
public final class OperatorCatalog {

    /**
     * How an entry's operator is run. A mask-aware operator ({@link MaskAware}) differs from the
     * others only under a mask, so its entries name the execution its contract is checked under.
     */
    public enum Masking {
        /** A plain forward pass. */
        NONE,
        /** Under {@link #mask}, dense convolution then mask, as in training (thesis §2.3.3). */
        DENSE,
        /**
         * Under {@link #mask}, sparse execution at inference ({@link AnytimeContext} always
         * sparse).
         */
        SPARSE;

        /** Confidence at or above which a position of the fixed pattern is skipped. */
        public static final float THRESHOLD = 0.5f;

        /**
         * The fixed confidence pattern c(n, y, x) = ((7y + 3x + n) mod 5) / 4: 60% of the positions
         * reach {@link #THRESHOLD} at every resolution the nearest-neighbour resize produces, and
         * every skipped position has computed neighbours to be filled from.
         *
         * @param manager the manager of the pattern
         * @param input the operator's input (N, C, H, W)
         * @return (N, H, W) confidences in [0, 1]
         */
        public static NDArray confidence(NDManager manager, Shape input) {
            int n = (int) input.get(0);
            int h = (int) input.get(2);
            int w = (int) input.get(3);
            float[] c = new float[n * h * w];
            for (int i = 0; i < n; i++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        c[(i * h + y) * w + x] = ((7 * y + 3 * x + i) % 5) / 4f;
                    }
                }
            }
            return manager.create(c, new Shape(n, h, w));
        }

        /**
         * Creates the context of one pass with {@link #confidence}'s mask in force.
         *
         * @param manager owns the mask (through a sub-manager) and closes it
         * @param input the operator's input (N, C, H, W)
         * @return the context, or null for {@link #NONE}
         */
        public AnytimeContext context(NDManager manager, Shape input) {
            if (this == NONE) {
                return null;
            }
            AnytimeContext ctx =
                    AnytimeContext.builder()
                            .optSparse(this == SPARSE)
                            .optMaxSparseDensity(
                                    this == SPARSE
                                            ? 1.0
                                            : AnytimeContext.DEFAULT_MAX_SPARSE_DENSITY)
                            .build();
            ctx.setMask(SpatialMask.fromConfidence(confidence(manager, input), THRESHOLD));
            return ctx;
        }
    }

    /**
     * One operator configuration.
     *
     * @param name a stable snake_case name
     * @param source the paper section it implements
     * @param factory creates a fresh, uninitialized block
     * @param input the input shape to run it on
     * @param masking how the operator is run; anything but {@link Masking#NONE} needs a {@link
     *     MaskAware} block
     */
    public record Entry(
            String name, String source, Supplier<Block> factory, Shape input, Masking masking) {

        /**
         * An entry run by a plain forward pass.
         *
         * @param name a stable snake_case name
         * @param source the paper section it implements
         * @param factory creates a fresh, uninitialized block
         * @param input the input shape to run it on
         */
        public Entry(String name, String source, Supplier<Block> factory, Shape input) {
            this(name, source, factory, input, Masking.NONE);
        }

        /**
         * Returns this entry run under a mask.
         *
         * @param m the execution
         * @return the entry
         */
        public Entry masked(Masking m) {
            return new Entry(name, source, factory, input, m);
        }

        /**
         * Runs one pass of an initialized block the way this entry says.
         *
         * @param block a block from {@link #factory}, initialized
         * @param ps the parameter store
         * @param x the input
         * @param training whether it is a training pass
         * @return the output
         */
        public NDArray forward(Block block, ParameterStore ps, NDArray x, boolean training) {
            return forward(block, ps, x, training, masking.context(x.getManager(), x.getShape()));
        }

        /**
         * Runs one pass of an initialized block in a given context.
         *
         * @param block a block from {@link #factory}, initialized
         * @param ps the parameter store
         * @param x the input
         * @param training whether it is a training pass
         * @param ctx the context from {@link Masking#context}, or null for a plain pass
         * @return the output
         */
        public NDArray forward(
                Block block, ParameterStore ps, NDArray x, boolean training, AnytimeContext ctx) {
            if (ctx == null) {
                return block.forward(ps, new NDList(x), training).singletonOrThrow();
            }
            if (!(block instanceof MaskAware)) {
                throw new IllegalStateException(
                        name
                                + " runs under a mask but "
                                + block.getClass().getSimpleName()
                                + " is not mask-aware");
            }
            return ((MaskAware) block).forward(ps, x, training, ctx);
        }
    }

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
                            () ->
                                    ReXNetBlock.builder()
                                            .setInChannels(16)
                                            .setOutChannels(27)
                                            .build(),
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
                            new Shape(2, 32, 8, 8)),
                    new Entry(
                                    "masked_conv3x3",
                                    "thesis §2.3.3, Eqs. 2.3–2.6",
                                    () ->
                                            MaskedConv2d.builder()
                                                    .setInChannels(16)
                                                    .setOutChannels(32)
                                                    .setKernel(3)
                                                    .build(),
                                    new Shape(2, 16, 16, 16))
                            .masked(Masking.DENSE),
                    new Entry(
                                    "masked_conv3x3_s2_sparse",
                                    "thesis §2.3.3 (sparse execution)",
                                    () ->
                                            MaskedConv2d.builder()
                                                    .setInChannels(16)
                                                    .setOutChannels(32)
                                                    .setKernel(3)
                                                    .optStride(2)
                                                    .build(),
                                    new Shape(2, 16, 16, 16))
                            .masked(Masking.SPARSE),
                    new Entry(
                                    "masked_conv_bn_relu",
                                    "thesis §2.3.3 (HRNet conv unit)",
                                    () ->
                                            MaskedConvBn.builder()
                                                    .setInChannels(16)
                                                    .setOutChannels(32)
                                                    .setKernel(3)
                                                    .optRelu(true)
                                                    .build(),
                                    new Shape(2, 16, 16, 16))
                            .masked(Masking.DENSE),
                    new Entry(
                                    "masked_conv_bn_1x1_sparse",
                                    "thesis §2.3.3 (exit head unit)",
                                    () ->
                                            MaskedConvBn.builder()
                                                    .setInChannels(32)
                                                    .setOutChannels(16)
                                                    .setKernel(1)
                                                    .build(),
                                    new Shape(2, 32, 12, 12))
                            .masked(Masking.SPARSE),
                    new Entry(
                            "masked_conv_bn_static",
                            "thesis §2.3.3 (before the first exit)",
                            () ->
                                    MaskedConvBn.builder()
                                            .setInChannels(16)
                                            .setOutChannels(32)
                                            .setKernel(3)
                                            .optStride(2)
                                            .optRelu(true)
                                            .optAdaptive(false)
                                            .build(),
                            new Shape(2, 16, 16, 16)));

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
