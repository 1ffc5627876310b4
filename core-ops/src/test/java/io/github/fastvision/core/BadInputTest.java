package io.github.fastvision.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.anytime.MaskedConv2d;
import io.github.fastvision.core.anytime.MaskedConvBn;
import io.github.fastvision.core.convnext.ConvNeXtBlock;
import io.github.fastvision.core.fasternet.FasterNetBlock;
import io.github.fastvision.core.fasternet.FasterNetEmbedding;
import io.github.fastvision.core.fasternet.FasterNetMerging;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.LayerScale;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.layers.SqueezeExcite;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.core.pflayer.EfficientTransformerBlock;
import io.github.fastvision.core.pflayer.PoolingTokenMixer;
import io.github.fastvision.core.resnet.Bottleneck;
import io.github.fastvision.core.rexnet.ReXNetBlock;
import io.github.fastvision.core.vit.MultiHeadSelfAttention;
import io.github.fastvision.core.vit.TransformerBlock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Builders name the bad argument; forward passes name the expected and the given shape. */
class BadInputTest {

    private static void assertMessage(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "'" + ex.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void buildersNameTheBadArgument() {
        assertMessage(() -> FasterNetBlock.builder().build(), "channels is required");
        assertMessage(
                () -> FasterNetBlock.builder().setChannels(40).optPartialRatio(2).build(),
                "ratio",
                "(0.0, 1.0]");
        assertMessage(
                () -> FasterNetBlock.builder().setChannels(40).optDropPath(1f).build(),
                "dropPath",
                "[0, 1)");
        assertMessage(
                () -> ConvBn.builder().setInChannels(6).setOutChannels(8).optGroups(4).build(),
                "inChannels (6)",
                "groups (4)");
        assertMessage(
                () -> Bottleneck.builder().setInChannels(64).setPlanes(16).optStride(3),
                "stride must be 1 or 2",
                "3");
        assertMessage(
                () -> DeformablePool2d.builder().setChannels(8).optKernel(2).build(),
                "kernel",
                "odd");
        assertMessage(
                () -> DeformablePool2d.builder().setChannels(8).optStride(4).build(),
                "stride must be 1 or 2");
        assertMessage(() -> new MultiHeadSelfAttention(50, 3), "dim (50)", "heads (3)");
        assertMessage(
                () -> EfficientTransformerBlock.builder().setDim(48).optPoolKernel(4).build(),
                "kernel",
                "odd");
        assertMessage(
                () -> ConvNeXtBlock.builder().setDim(96).optKernel(6).build(), "kernel", "odd");
        assertMessage(
                () ->
                        ReXNetBlock.builder()
                                .setInChannels(16)
                                .setOutChannels(16)
                                .optSeRatio(2)
                                .build(),
                "SE ratio",
                "[0.0, 1.0]");
        assertMessage(() -> SqueezeExcite.builder().build(), "channels is required");
        // The inner widths a pruned block is built at.
        assertMessage(
                () -> Bottleneck.builder().setInChannels(64).setPlanes(16).optInnerWidths(0, 8),
                "reduced width must be >= 1",
                "0");
        assertMessage(
                () ->
                        Bottleneck.builder()
                                .setInChannels(64)
                                .setPlanes(16)
                                .optGroups(4)
                                .optInnerWidths(6, 8)
                                .build(),
                "multiples of groups=4",
                "6");
        assertMessage(
                () -> FasterNetBlock.builder().setChannels(40).optHiddenWidth(0),
                "FasterNetBlock hiddenWidth must be >= 1");
        assertMessage(
                () -> ConvNeXtBlock.builder().setDim(96).optHiddenWidth(-1),
                "ConvNeXtBlock hiddenWidth must be >= 1");
    }

    @Test
    void convertedBuildersNameTheBadArgumentAndItsRange() {
        assertMessage(
                () ->
                        MaskedConv2d.builder()
                                .setInChannels(4)
                                .setOutChannels(8)
                                .setKernel(2)
                                .build(),
                "kernel",
                "odd");
        assertMessage(
                () -> MaskedConvBn.builder().setOutChannels(8).setKernel(3).build(),
                "inChannels must be >= 1",
                "0");
        assertMessage(
                () ->
                        MaskedConvBn.builder()
                                .setInChannels(4)
                                .setOutChannels(8)
                                .setKernel(3)
                                .optStride(0)
                                .build(),
                "stride must be >= 1");
        assertMessage(
                () -> AnytimeContext.builder().optRadius(0).build(), "radius must be >= 1", "0");
        assertMessage(
                () -> AnytimeContext.builder().optMaxSparseDensity(1.5).build(), "[0, 1]", "1.5");
        assertMessage(() -> Pool2d.builder().setKernel(3).build(), "mode is required");
        assertMessage(
                () -> Pool2d.builder().setMode(Pool2d.Mode.MAX).setKernel(3).optPadding(2).build(),
                "padding",
                "[0, 1]",
                "2");
        assertMessage(
                () -> Pool2d.builder().setMode(Pool2d.Mode.AVG).setKernel(3).optStride(0).build(),
                "stride must be >= 1");
        assertMessage(() -> LayerScale.builder().build(), "channels must be >= 1");
        assertMessage(
                () -> LayerScale.builder().setChannels(8).optInitValue(Float.NaN).build(),
                "initValue",
                "finite");
        assertMessage(
                () -> TransformerBlock.builder().setDim(50).setHeads(3).build(),
                "dim (50)",
                "heads (3)");
        assertMessage(
                () -> TransformerBlock.builder().setDim(48).setHeads(3).optDropPath(1f).build(),
                "dropPath",
                "[0, 1)");
        assertMessage(
                () -> PoolingTokenMixer.builder().setDim(48).optPoolKernel(4).build(),
                "kernel",
                "odd");
        assertMessage(
                () -> FasterNetMerging.builder().setInChannels(8).optPatchSize(0).build(),
                "patchSize must be >= 1");
        assertMessage(
                () -> FasterNetEmbedding.builder().setEmbedDim(8).optPatchStride(0).build(),
                "patchStride must be >= 1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.fastvision.core.BlockContractTest#entries")
    void wrongRankOrChannelsIsAnIllegalArgument(OperatorCatalog.Entry e) {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = Fixtures.init(e.factory().get(), m, e.input());
            Shape in = e.input();
            Shape noBatch = in.slice(1);
            if (e.name().equals("drop_path")) {
                return; // Shape-agnostic by design: any rank, any width.
            }
            assertMessage(
                    () -> Fixtures.forward(block, m.randomNormal(noBatch), false),
                    "expects",
                    "but got");
            long[] dims = in.getShape();
            int channelAxis = dims.length == 4 ? 1 : 2;
            dims[channelAxis] += 1;
            Shape wrong = new Shape(dims);
            assertMessage(
                    () -> Fixtures.forward(block, m.randomNormal(wrong), false),
                    "expects",
                    "but got " + wrong);
        }
    }

    @Test
    void nonSquareTokenGridIsRejected() {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            Block block =
                    Fixtures.init(
                            EfficientTransformerBlock.builder().setDim(48).build(),
                            m,
                            new Shape(1, 16, 48));
            assertMessage(
                    () -> Fixtures.forward(block, m.randomNormal(new Shape(1, 15, 48)), false),
                    "square token grid",
                    "15");
        }
    }

    @Test
    void hybridDownsamplingRejectsOddSizes() {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            Block block =
                    Fixtures.init(
                            Bottleneck.builder()
                                    .setInChannels(32)
                                    .setPlanes(8)
                                    .optStride(2)
                                    .optDownsampling(Bottleneck.Downsampling.AVG_POOL)
                                    .build(),
                            m,
                            new Shape(1, 32, 8, 8));
            assertMessage(
                    () -> Fixtures.forward(block, m.randomNormal(new Shape(1, 32, 7, 7)), false),
                    "even H and W");
        }
    }

    @Test
    void transformerBlockNamesTokenShape() {
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            Block block =
                    Fixtures.init(
                            TransformerBlock.builder().setDim(48).setHeads(3).build(),
                            m,
                            new Shape(1, 4, 48));
            assertMessage(
                    () -> Fixtures.forward(block, m.randomNormal(new Shape(1, 4, 40)), false),
                    "expects tokens of shape (N, L, 48) but got (1, 4, 40)");
        }
    }
}
