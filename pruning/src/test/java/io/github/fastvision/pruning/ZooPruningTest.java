package io.github.fastvision.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.ParameterNames;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.resnet.ResNetVariant;
import io.github.fastvision.pruning.methods.L1NormFilterPruning;
import io.github.fastvision.pruning.methods.NetworkSlimming;
import io.github.fastvision.pruning.methods.UniformPruning;
import io.github.fastvision.pruning.surgery.Surgery;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The structured methods on the zoo families whose inner widths are free to cut: the bottleneck
 * inner widths of the ResNets (parameter-free ones included), the MLP hidden widths of FasterNet
 * and ConvNeXt.
 */
class ZooPruningTest {

    static List<String> names() {
        return TinyModels.ZOO;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void theWidthTableDescribesEveryInnerWidthInOrder(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 1);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            // Two inner widths per regular bottleneck, one per efficient bottleneck (test_resnet:
            // 5 regular; hybrid: 3 regular downsampling + 2 efficient; deform: 3 + 3; eb: 4 + 2),
            // one MLP hidden width per FasterNet and ConvNeXt block.
            int expected =
                    Map.of(
                                    "test_resnet", 10,
                                    "test_resnet_hybrid", 8,
                                    "test_resnet_deform", 9,
                                    "test_resnet_eb", 10,
                                    "test_fasternet", 5,
                                    "test_convnext", 5,
                                    "test_convnext_iso", 2)
                            .get(name);
            assertEquals(expected, groups.size());
            for (ChannelGroup g : groups) {
                assertTrue(g.prunable(), g.name());
                assertEquals(g.width(), g.filters().getArray().getShape().get(0), g.name());
                for (ChannelGroup.Member mb : g.members()) {
                    assertEquals(
                            g.width(),
                            mb.parameter().getArray().getShape().get(mb.axis()),
                            g.name() + " " + mb.parameter().getName());
                }
                if (name.startsWith("test_convnext")) {
                    assertNull(g.scale(), g.name() + ": a LayerNorm group has no BN scale");
                    assertTrue(g.name().endsWith(".mlp_hidden"), g.name());
                } else {
                    assertNotNull(g.scale(), g.name());
                }
            }
            if (name.equals("test_resnet")) {
                assertEquals("stages_1.1.conv1", groups.get(4).name());
                assertEquals("stages_1.1.conv2", groups.get(5).name());
                assertEquals(1, groups.get(4).stage());
            }
            if (name.equals("test_resnet_deform")) {
                // An efficient bottleneck's one group: conv1 out, BN, conv3 in, offset predictor
                // in.
                ChannelGroup g = groups.get(0);
                assertEquals("stages_0.0.conv1", g.name());
                assertEquals(1 + 4 + 2, g.members().size());
                assertEquals("stages_1.0.conv2", groups.get(2).name());
            }
            if (name.equals("test_fasternet")) {
                // Stage 2 holds its merging layer at index 0, then two blocks.
                assertEquals("stages_2.2.mlp_hidden", groups.get(3).name());
                assertEquals(128, groups.get(3).width());
                assertEquals(2, groups.get(3).stage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void keepingEveryChannelPreservesOutputsExactly(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 2);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            VisionModel copy = Surgery.apply(model, ChannelSelection.all(groups), m);
            assertArrayEquals(TinyModels.forward(model, m, 7), TinyModels.forward(copy, m, 7));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void removingChannelsMatchesTheMaskedForwardPass(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 3);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            double[] ratios = new double[groups.size()];
            for (int i = 0; i < ratios.length; i++) {
                ratios[i] = 0.25 * (i % 3);
            }
            for (ChannelSelection sel :
                    List.of(
                            L1NormFilterPruning.uniform(0.5).select(groups),
                            L1NormFilterPruning.builder()
                                    .optLayerRatios(ratios)
                                    .build()
                                    .select(groups))) {
                VisionModel pruned = Surgery.apply(model, sel, m);
                assertTrue(pruned.cost().params() < model.cost().params());
                float[] got = TinyModels.forward(pruned, m, 9);
                Map<Parameter, float[]> saved = mask(model, groups, sel);
                float[] masked = TinyModels.forward(model, m, 9);
                saved.forEach((p, v) -> p.getArray().set(v));
                assertEquals(masked.length, got.length);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(
                            masked[i], got[i], 1e-5 * (1 + Math.abs(masked[i])), "output " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void theMethodsApplyAndSlimmingNeedsABnScale(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 4);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            ChannelSelection uniform = UniformPruning.select(groups, 0.5);
            for (int i = 0; i < groups.size(); i++) {
                assertEquals(groups.get(i).width() / 2, uniform.widths()[i], groups.get(i).name());
            }
            assertArrayEquals(uniform.widths(), UniformPruning.widths(groups, 0.5));
            if (name.startsWith("test_convnext")) {
                for (Runnable r :
                        List.<Runnable>of(
                                () -> NetworkSlimming.select(groups, 0.3),
                                () -> NetworkSlimming.penalty(groups, 1e-5))) {
                    IllegalArgumentException e =
                            assertThrows(IllegalArgumentException.class, r::run);
                    assertTrue(
                            e.getMessage().contains("Network Slimming ranks channels by the BN")
                                    && e.getMessage().contains("stages_0.0.mlp_hidden")
                                    && e.getMessage().contains("use l1 or uniform"),
                            e.getMessage());
                }
                return;
            }
            ChannelSelection slim = NetworkSlimming.select(groups, 0.3);
            int total = 0;
            int kept = 0;
            for (int i = 0; i < groups.size(); i++) {
                total += groups.get(i).width();
                kept += slim.widths()[i];
            }
            assertEquals(total - Math.round(0.3 * total), kept);
            VisionModel pruned = Surgery.apply(model, slim, m);
            assertArrayEquals(slim.widths(), pruned.getOptions().widths().orElseThrow());
            assertEquals(2 * 3, TinyModels.forward(pruned, m, 1).length);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aRatioThatEmptiesALayerNamesTheLayerAndTheRange(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 5);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> L1NormFilterPruning.uniform(0.999).select(groups));
            ChannelGroup first = groups.get(0);
            String range =
                    String.format(
                            java.util.Locale.ROOT,
                            "expected a ratio in [0, %.4f]",
                            1 - 1.0 / first.width());
            assertTrue(
                    e.getMessage().contains("remove every channel of " + first.name())
                            && e.getMessage().contains(range),
                    e.getMessage());
            if (!name.startsWith("test_convnext")) {
                IllegalArgumentException slim =
                        assertThrows(
                                IllegalArgumentException.class,
                                () -> NetworkSlimming.select(groups, 0.999));
                assertTrue(slim.getMessage().contains("remove every channel"), slim.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aPrunedModelSavesAndLoadsWithItsWidths(String name, @TempDir Path tmp) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 6);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            VisionModel pruned = Surgery.apply(model, UniformPruning.select(groups, 0.5), m);
            Path file = tmp.resolve(name + WeightsFile.EXTENSION);
            WeightsFile.save(pruned, file);
            WeightsFile.Header header = WeightsFile.header(file);
            assertArrayEquals(pruned.getOptions().widths().orElseThrow(), header.widths());
            VisionModel loaded = ModelRegistry.create(name, header.options(32));
            WeightsFile.load(loaded, m, file);
            assertArrayEquals(TinyModels.forward(pruned, m, 4), TinyModels.forward(loaded, m, 4));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void paramsFollowTheWidthsAndFlopsShrink(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 7);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            VisionModel pruned = Surgery.apply(model, UniformPruning.select(groups, 0.5), m);
            int[] widths = pruned.getOptions().widths().orElseThrow();
            if (!name.startsWith("test_resnet_")) {
                assertEquals(handCount(name, PrunableModels.widths(groups)), model.cost().params());
                assertEquals(handCount(name, widths), pruned.cost().params());
            }
            long stored = 0;
            for (ParameterNames.Named n : ParameterNames.of(pruned)) {
                if (!n.name().endsWith("runningMean") && !n.name().endsWith("runningVar")) {
                    stored += n.parameter().getArray().size();
                }
            }
            assertEquals(stored, pruned.cost().params(), "the model is physically smaller");
            assertTrue(pruned.cost().macs() < model.cost().macs());
            assertEquals(new Shape(1, 3), pruned.cost().output());
        }
    }

    @Test
    void wideResNetAtHalfItsInnerWidthsCountsAsResNet50() {
        // Wide-ResNet-50-2 is ResNet-50 with doubled bottleneck inner widths: halving its width
        // table must give ResNet-50's params and FLOPs exactly (counting is shape-only).
        int[] w = ResNetVariant.WIDE_RESNET50_2.defaultWidths();
        for (int i = 0; i < w.length; i++) {
            w[i] /= 2;
        }
        assertArrayEquals(ResNetVariant.RESNET50.defaultWidths(), w);
        Cost half =
                ModelRegistry.create("wide_resnet50_2", ModelOptions.IMAGENET.withWidths(w)).cost();
        Cost resnet50 = ModelRegistry.create("resnet50", ModelOptions.IMAGENET).cost();
        assertEquals(resnet50.params(), half.params());
        assertEquals(resnet50.macs(), half.macs());
        assertEquals(25_557_032L, resnet50.params());
    }

    /**
     * Zeroes what the selection removes: every output-axis member of a removed channel (filters,
     * biases, BN scale and shift; not the running statistics), so that the channel is exactly 0
     * after the norm and activation that follow (ReLU(0) = GELU(0) = 0), as dropping it computes.
     *
     * @return the original values of the changed parameters
     */
    private static Map<Parameter, float[]> mask(
            VisionModel model, List<ChannelGroup> groups, ChannelSelection sel) {
        Map<Parameter, String> names = new IdentityHashMap<>();
        for (ParameterNames.Named n : ParameterNames.of(model)) {
            names.put(n.parameter(), n.name());
        }
        Map<Parameter, float[]> saved = new IdentityHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            ChannelGroup g = groups.get(i);
            boolean[] kept = new boolean[g.width()];
            for (int k : sel.kept(i)) {
                kept[k] = true;
            }
            for (ChannelGroup.Member mb : g.members()) {
                String n = names.get(mb.parameter());
                if (mb.axis() != 0 || n.endsWith("runningMean") || n.endsWith("runningVar")) {
                    continue;
                }
                NDArray a = mb.parameter().getArray();
                float[] v = a.toFloatArray();
                saved.putIfAbsent(mb.parameter(), v.clone());
                int per = v.length / g.width();
                for (int c = 0; c < g.width(); c++) {
                    if (!kept[c]) {
                        java.util.Arrays.fill(v, c * per, (c + 1) * per, 0f);
                    }
                }
                a.set(v);
            }
        }
        return saved;
    }

    /** Counts the trainable parameters of a tiny zoo model (3 classes, RGB) from its widths. */
    private static long handCount(String name, int[] w) {
        int classes = 3;
        long p = 0;
        int at = 0;
        switch (name) {
            case "test_resnet":
                {
                    // Stem 7×7 conv-BN to 8; bottlenecks (planes 8·2^s, outputs ×4): conv1 1×1,
                    // conv2 3×3, conv3 1×1, each with BN; a 1×1 conv-BN downsample on the first
                    // block of each stage; a linear head.
                    int[] depths = {1, 2, 1, 1};
                    p += 49L * 3 * 8 + 2 * 8;
                    int in = 8;
                    for (int s = 0; s < depths.length; s++) {
                        int out = (8 << s) * 4;
                        for (int j = 0; j < depths[s]; j++) {
                            int w1 = w[at++];
                            int w2 = w[at++];
                            p += (long) in * w1 + 2 * w1;
                            p += 9L * w1 * w2 + 2 * w2;
                            p += (long) w2 * out + 2 * out;
                            if (j == 0) {
                                p += (long) in * out + 2 * out;
                            }
                            in = out;
                        }
                    }
                    return p + (long) in * classes + classes;
                }
            case "test_fasternet":
                {
                    // Stem 4×4 conv-BN to 16; merging 2×2 conv-BN doubling the width; blocks:
                    // PConv 3×3 on c/4 channels, 1×1 conv-BN to the hidden width, 1×1 back;
                    // head: 1×1 conv to 1280 and a linear classifier.
                    int[] depths = {1, 1, 2, 1};
                    int c = 16;
                    p += 16L * 3 * c + 2 * c;
                    for (int s = 0; s < depths.length; s++) {
                        if (s > 0) {
                            p += 4L * c * (2 * c) + 2 * (2 * c);
                            c *= 2;
                        }
                        for (int j = 0; j < depths[s]; j++) {
                            int h = w[at++];
                            p += 9L * (c / 4) * (c / 4);
                            p += (long) c * h + 2 * h;
                            p += (long) h * c;
                        }
                    }
                    return p + (long) c * 1280 + 1280L * classes + classes;
                }
            default:
                {
                    // ConvNeXt: stem (4×4 conv with bias + LayerNorm, or the isotropic 16×16 conv
                    // with bias); downsampling LayerNorm + 2×2 conv with bias; blocks: 7×7
                    // depthwise conv with bias, LayerNorm, Linear to the hidden width, Linear back,
                    // layer scale; head LayerNorm and linear classifier.
                    boolean iso = name.endsWith("iso");
                    int[] depths = iso ? new int[] {2} : new int[] {1, 1, 2, 1};
                    int[] dims = iso ? new int[] {32} : new int[] {8, 16, 32, 64};
                    p +=
                            iso
                                    ? 256L * 3 * dims[0] + dims[0]
                                    : 16L * 3 * dims[0] + dims[0] + 2 * dims[0];
                    for (int s = 0; s < depths.length; s++) {
                        int d = dims[s];
                        if (s > 0) {
                            p += 2 * dims[s - 1] + 4L * dims[s - 1] * d + d;
                        }
                        for (int j = 0; j < depths[s]; j++) {
                            int h = w[at++];
                            p += 49L * d + d + 2 * d;
                            p += (long) d * h + h + (long) h * d + d + d;
                        }
                    }
                    int last = dims[dims.length - 1];
                    return p + 2 * last + (long) last * classes + classes;
                }
        }
    }
}
