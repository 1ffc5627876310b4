package io.github.fastvision.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.cifar.CifarFamily;
import io.github.fastvision.pruning.methods.ChannelPruning;
import io.github.fastvision.pruning.methods.GuidedPruning;
import io.github.fastvision.pruning.methods.L1NormFilterPruning;
import io.github.fastvision.pruning.methods.NetworkSlimming;
import io.github.fastvision.pruning.methods.UniformPruning;
import io.github.fastvision.pruning.surgery.Surgery;
import io.github.fastvision.training.TrainingLoopListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The structured methods select what the papers select, and refuse what cannot be pruned. */
class MethodsTest {

    static List<String> names() {
        return TinyModels.NAMES;
    }

    @Test
    void slimmingRemovesTheGlobalShareWithTheSmallestScales() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create("test_vgg_cifar", m, 5);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            List<Float> all = new ArrayList<>();
            for (ChannelGroup g : groups) {
                for (float v : g.scale().getArray().toFloatArray()) {
                    all.add(Math.abs(v));
                }
            }
            ChannelSelection sel = NetworkSlimming.select(groups, 0.4);
            int total = all.size();
            int kept = Arrays.stream(sel.widths()).sum();
            assertEquals(total - Math.round(0.4 * total), kept);
            all.sort(Float::compare);
            float threshold = all.get((int) Math.round(0.4 * total) - 1);
            for (int i = 0; i < groups.size(); i++) {
                float[] gamma = groups.get(i).scale().getArray().toFloatArray();
                for (int k : sel.kept(i)) {
                    assertTrue(Math.abs(gamma[k]) >= threshold, groups.get(i).name() + " " + k);
                }
            }
        }
    }

    @Test
    void theFactoriesSelectAsTheMethodsThemselves() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create("test_vgg_cifar", m, 5);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            List<ChannelSelection[]> pairs =
                    List.of(
                            new ChannelSelection[] {
                                ChannelPruning.l1(0.5).select(groups),
                                L1NormFilterPruning.uniform(0.5).select(groups)
                            },
                            new ChannelSelection[] {
                                ChannelPruning.slimming(0.3).select(groups),
                                NetworkSlimming.select(groups, 0.3)
                            },
                            new ChannelSelection[] {
                                ChannelPruning.uniform(0.25).select(groups),
                                UniformPruning.select(groups, 0.25)
                            });
            for (ChannelSelection[] p : pairs) {
                for (int i = 0; i < groups.size(); i++) {
                    assertArrayEquals(p[1].kept(i), p[0].kept(i), groups.get(i).name());
                }
            }
        }
    }

    @Test
    void theSparsityPenaltyAddsLambdaSignGammaToTheGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create("test_vgg_cifar", m, 6);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            NDArray gamma = groups.get(0).scale().getArray();
            gamma.setRequiresGradient(true);
            // A backward pass gives the parameter a real gradient (d sum(γ²)/dγ = 2γ).
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(gamma.mul(gamma).sum());
            }
            float[] before = gamma.getGradient().toFloatArray();
            TrainingLoopListener penalty = NetworkSlimming.penalty(groups, 0.5);
            penalty.onGradients(0);
            float[] after = gamma.getGradient().toFloatArray();
            float[] g = gamma.toFloatArray();
            for (int i = 0; i < g.length; i++) {
                assertEquals(2 * g[i], before[i], 1e-5);
                assertEquals(before[i] + 0.5f * Math.signum(g[i]), after[i], 1e-5);
            }
        }
    }

    @Test
    void resnet56PresetsPruneTheFirstConvolutionOfUnskippedBlocks() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = ModelRegistry.create("resnet56_cifar", CifarFamily.CIFAR10);
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            int[] a = L1NormFilterPruning.resnet56A().select(groups).widths();
            int[] b = L1NormFilterPruning.resnet56B().select(groups).widths();
            // Residual widths first, then one inner width per block.
            assertArrayEquals(new int[] {16, 32, 64}, Arrays.copyOf(a, 3));
            assertEquals(16, a[3 + 7]);
            assertEquals(14, a[3 + 0]);
            assertEquals(28, a[3 + 9 + 1]);
            assertEquals(32, a[3 + 9]);
            assertEquals(57, a[3 + 19]);
            assertEquals(6, b[3 + 0]);
            assertEquals(16, b[3 + 8]);
            assertEquals(22, b[3 + 10]);
            assertEquals(57, b[3 + 20]);
            assertEquals(64, b[3 + 26]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void residualCouplingKeepsSharedChannelsAndShapesConsistent(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 8);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            for (ChannelSelection sel :
                    List.of(
                            NetworkSlimming.select(groups, 0.3),
                            L1NormFilterPruning.uniform(0.5).select(groups),
                            UniformPruning.select(groups, 0.25))) {
                VisionModel pruned = Surgery.apply(model, sel, m);
                List<ChannelGroup> after = PrunableModels.groups(pruned, "test");
                for (int i = 0; i < groups.size(); i++) {
                    if (!groups.get(i).prunable()) {
                        assertEquals(
                                groups.get(i).width(), after.get(i).width(), groups.get(i).name());
                    }
                    assertEquals(sel.widths()[i], after.get(i).width());
                }
                assertEquals(2 * 3, TinyModels.forward(pruned, m, 1).length);
            }
            List<int[]> shrinkShared = new ArrayList<>();
            int shared = -1;
            for (int i = 0; i < groups.size(); i++) {
                int w = groups.get(i).width();
                boolean cut = !groups.get(i).prunable() && shared < 0;
                shared = cut ? i : shared;
                shrinkShared.add(ChannelSelection.range(cut ? w - 1 : w));
            }
            if (shared >= 0) {
                IllegalArgumentException e =
                        assertThrows(
                                IllegalArgumentException.class,
                                () -> ChannelSelection.of(groups, shrinkShared));
                assertTrue(e.getMessage().contains("shared across residual"), e.getMessage());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void theCostOfAPrunedModelIsTheCostOfItsWidths(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 9);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            VisionModel pruned = Surgery.apply(model, NetworkSlimming.select(groups, 0.3), m);
            Cost fromWidths =
                    ModelRegistry.create(
                                    name,
                                    TinyModels.OPTIONS.withWidths(
                                            pruned.getOptions().widths().orElseThrow()))
                            .cost();
            assertEquals(fromWidths, pruned.cost());
            long trainable = 0;
            for (var n : io.github.fastvision.models.ParameterNames.of(pruned)) {
                if (!n.name().endsWith("runningMean") && !n.name().endsWith("runningVar")) {
                    trainable += n.parameter().getArray().size();
                }
            }
            assertEquals(trainable, pruned.cost().params());
        }
    }

    @Test
    void vggCostMatchesTheHandCountFromItsWidths() {
        int[] w = {3, 5, 2, 7};
        VisionModel model =
                ModelRegistry.create(
                        "test_vgg_cifar",
                        ModelOptions.builder()
                                .setNumClasses(4)
                                .optInputSize(8)
                                .optInChannels(1)
                                .optWidths(w)
                                .build());
        // Stages of 1, 2, 1 convolutions at 8, 4, 4, 2 pixels; BN: 2 per channel; linear head.
        int[] in = {1, 3, 5, 2};
        int[] side = {8, 4, 4, 2};
        long params = 7 * 4 + 4;
        long macs = 7 * 4;
        for (int i = 0; i < w.length; i++) {
            params += 9L * in[i] * w[i] + 2L * w[i];
            macs += 9L * in[i] * w[i] * side[i] * side[i];
        }
        Cost c = model.cost();
        assertEquals(params, c.params());
        assertEquals(macs, c.macs());
        assertEquals(new Shape(1, 4), c.output());
    }

    @Test
    void guidedPruningGivesEachStageItsMeanWidth() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create("test_vgg_cifar", m, 10);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            // test_vgg_cifar: stages of 1, 2, 1 convolutions, widths 4, 8, 8, 8.
            int[] guided =
                    GuidedPruning.widths(
                            groups, List.of(new int[] {2, 3, 5, 6}, new int[] {4, 5, 7, 8}));
            assertArrayEquals(new int[] {3, 5, 5, 7}, guided);
            assertArrayEquals(new int[] {2, 4, 4, 4}, UniformPruning.widths(groups, 0.5));
        }
    }

    @Test
    void badInputNamesTheArgumentAndItsRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create("test_vgg_cifar", m, 11);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            for (double r : new double[] {0, 1, -0.2, 1.5, Double.NaN}) {
                IllegalArgumentException e =
                        assertThrows(
                                IllegalArgumentException.class,
                                () -> NetworkSlimming.select(groups, r));
                assertTrue(e.getMessage().contains("ratio must be in (0, 1)"), e.getMessage());
                assertThrows(
                        IllegalArgumentException.class, () -> UniformPruning.widths(groups, r));
            }
            // Removing 99% of the channels globally empties a layer: named in the message.
            IllegalArgumentException empty =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> NetworkSlimming.select(groups, 0.99));
            assertTrue(empty.getMessage().contains("remove every channel"), empty.getMessage());
            IllegalArgumentException deep =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    L1NormFilterPruning.builder()
                                            .optLayerRatios(0.5)
                                            .build()
                                            .select(groups));
            assertTrue(deep.getMessage().contains("prunable layers"), deep.getMessage());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel resnet =
                    ModelRegistry.create(
                            "test_rexnet",
                            ModelOptions.builder().setNumClasses(3).optInputSize(32).build());
            resnet.initialize(m, DataType.FLOAT32, resnet.inputShape(1));
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> PrunableModels.groups(resnet, "slimming"));
            assertTrue(
                    e.getMessage().contains("slimming does not apply to test_rexnet"),
                    e.getMessage());
        }
    }
}
