package io.github.fastvision.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.anytime.MaskedConv2d;
import io.github.fastvision.core.anytime.MaskedConvBn;
import io.github.fastvision.core.anytime.RbfInterpolation;
import io.github.fastvision.core.anytime.SpatialMask;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.core.pconv.PartialConv2d;
import io.github.fastvision.core.vit.MultiHeadSelfAttention;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every operator keeps: declared output shape equals the real one, one backward pass
 * reaches every trainable parameter, and the parameter count equals a hand-computed formula.
 */
class BlockContractTest {

    /**
     * Trainable parameter counts computed by hand from each paper's layer formulas (conv
     * k²·cin·cout / groups, BN 2c, linear cin·cout + cout) for the catalog configurations.
     */
    private static final Map<String, Long> HAND_COUNTED =
            Map.ofEntries(
                    Map.entry("conv_bn", 16L * 32 * 9 + 2 * 32),
                    // PConv: k² c_p², c_p = 64 / 4 = 16 (fasternet Eq. 1 with h, w dropped).
                    Map.entry("pconv3x3_r4", 9L * 16 * 16),
                    // PConv 10²·9 + 1×1 40→80 + BN(80) + 1×1 80→40.
                    Map.entry("fasternet_block", 900L + 3200 + 160 + 3200),
                    Map.entry("fasternet_embedding", 3L * 40 * 16 + 80),
                    Map.entry("fasternet_merging", 40L * 80 * 4 + 160),
                    // torchvision resnet50 layer1.1: 70,400.
                    Map.entry("bottleneck", 16384L + 128 + 36864 + 128 + 16384 + 512),
                    Map.entry("bottleneck_se", 70400L + (256 * 16 + 16) + (16 * 256 + 256)),
                    // Same as torchvision resnet50 layer2.0 (379,392): the avg-pool adds nothing.
                    Map.entry(
                            "hybrid_downsample_bottleneck",
                            32768L + 256 + 147456 + 256 + 65536 + 1024 + 131072 + 1024),
                    Map.entry("efficient_bottleneck_max", 16384L + 128 + 16384 + 512),
                    Map.entry(
                            "efficient_bottleneck_avg_s2",
                            32768L + 256 + 65536 + 1024 + 131072 + 1024),
                    // Offset conv 3×3, 16 → 2·9 channels, with bias.
                    Map.entry("deformable_max_pool", 16L * 18 * 9 + 18),
                    Map.entry("deformable_avg_pool_s2", 16L * 18 * 9 + 18),
                    // 2 LN + qkv (d→3d) + proj (d→d) + MLP (d→4d→d), d = 48.
                    Map.entry("transformer_block", 96L + 7056 + 2352 + 96 + 9408 + 9264),
                    // As above with proj 3d→d (6d² + 4d for the mixer instead of 4d² + 4d).
                    Map.entry("efficient_transformer_block", 96L + 7056 + 6960 + 96 + 9408 + 9264),
                    Map.entry("efficient_transformer_block_dwconv", 32880L + 144 * 25 + 144),
                    // dw 7×7 + bias, LN, 96→384, 384→96, gamma.
                    Map.entry("convnext_block", 4800L + 192 + 37248 + 36960 + 96),
                    Map.entry("convnext_stem", 3L * 96 * 16 + 96 + 192),
                    Map.entry("convnext_downsample", 192L + 96 * 192 * 4 + 192),
                    // exp 16→96 + BN, dw 3×3 + BN, SE 96→8 (+BN) →96, pwl 96→27 + BN.
                    Map.entry("rexnet_block", 1536L + 192 + 864 + 192 + 776 + 16 + 864 + 2592 + 54),
                    Map.entry("rexnet_block_t1", 32L * 9 + 64 + 32 * 16 + 32),
                    Map.entry("squeeze_excite", 64L * 16 + 16 + 16 * 64 + 64),
                    Map.entry("layer_norm_2d", 64L),
                    Map.entry("layer_scale", 32L),
                    Map.entry("drop_path", 0L),
                    // Conv 16→32 3×3 + bias + λ (Eq. 2.5's RBF width, one per convolution).
                    Map.entry("masked_conv3x3", 16L * 32 * 9 + 32 + 1),
                    Map.entry("masked_conv3x3_s2_sparse", 16L * 32 * 9 + 32 + 1),
                    // Conv without bias + λ, BN(32).
                    Map.entry("masked_conv_bn_relu", 16L * 32 * 9 + 1 + 64),
                    Map.entry("masked_conv_bn_1x1_sparse", 32L * 16 + 1 + 32),
                    // Not adaptive: no λ.
                    Map.entry("masked_conv_bn_static", 16L * 32 * 9 + 64));

    static Stream<OperatorCatalog.Entry> entries() {
        return OperatorCatalog.entries().stream();
    }

    static Stream<OperatorCatalog.Entry> maskedEntries() {
        return entries().filter(e -> e.masking() != OperatorCatalog.Masking.NONE);
    }

    @Test
    void everyCatalogEntryHasAHandCount() {
        for (OperatorCatalog.Entry e : OperatorCatalog.entries()) {
            assertNotNull(HAND_COUNTED.get(e.name()), "no hand-computed count for " + e.name());
        }
        assertEquals(HAND_COUNTED.size(), OperatorCatalog.entries().size());
    }

    @Test
    void anytimeOperatorsAreCoveredUnderBothExecutions() {
        Set<Class<?>> blocks = new HashSet<>();
        Set<OperatorCatalog.Masking> masked = new HashSet<>();
        for (OperatorCatalog.Entry e : OperatorCatalog.entries()) {
            blocks.add(e.factory().get().getClass());
            masked.add(e.masking());
        }
        assertTrue(
                blocks.containsAll(Set.of(MaskedConv2d.class, MaskedConvBn.class)),
                blocks.toString());
        assertEquals(EnumSet.allOf(OperatorCatalog.Masking.class), masked);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void declaredShapeMatchesRealOutput(OperatorCatalog.Entry e) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = Fixtures.init(e.factory().get(), m, e.input());
            Shape declared = ChildBlocks.outShape(block, e.input());
            // Inference as inference threads run it (autograd off), so sparse entries run sparsely.
            NDArray y =
                    inference(() -> Fixtures.forward(e, block, m.randomNormal(e.input()), false));
            assertEquals(declared, y.getShape(), e.name());
            NDArray yTrain = Fixtures.forward(e, block, m.randomNormal(e.input()), true);
            assertEquals(declared, yTrain.getShape(), e.name() + " (training)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void parameterCountEqualsHandFormula(OperatorCatalog.Entry e) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = Fixtures.init(e.factory().get(), m, e.input());
            assertEquals(
                    HAND_COUNTED.get(e.name()), ChildBlocks.trainableParameters(block), e.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void shapeOnlyCountEqualsInitializedBlock(OperatorCatalog.Entry e) {
        Block fresh = e.factory().get();
        Cost cost = Cost.of(fresh, e.input());
        assertFalse(fresh.isInitialized(), "counting must not allocate weights");
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = Fixtures.init(e.factory().get(), m, e.input());
            assertEquals(ChildBlocks.trainableParameters(block), cost.params(), e.name());
            NDArray y = Fixtures.forward(e, block, m.randomNormal(e.input()), false);
            assertEquals(y.getShape(), cost.output(), e.name());
        }
    }

    @Test
    void multiplyAddsMatchHandFormulas() {
        // PConv: k² · c_p² · H · W = 9 · 16² · 16 · 16 (fasternet Eq. 1).
        Cost pconv =
                Cost.of(PartialConv2d.builder().setChannels(64).build(), new Shape(1, 64, 16, 16));
        assertEquals(9L * 16 * 16 * 16 * 16, pconv.macs());
        // Attention at L = 16, d = 48: qkv 16·48·144 + proj 16·48·48 + 2·16²·48.
        Cost attn = Cost.of(new MultiHeadSelfAttention(48, 3), new Shape(1, 16, 48));
        assertEquals(16L * 48 * 144 + 16 * 48 * 48 + 2 * 16 * 16 * 48, attn.macs());
    }

    /**
     * Under its mask an anytime operator equals the unmasked one at computed positions, holds the
     * RBF fill (not the convolution) at skipped ones, and counts the convolution at computed
     * positions plus the fill at skipped ones (thesis Eqs. 2.3–2.6).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("maskedEntries")
    void maskedPassComputesActivePositionsAndFillsTheRest(OperatorCatalog.Entry e) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = Fixtures.init(e.factory().get(), m, e.input());
            NDArray x = m.randomNormal(e.input());
            ParameterStore ps = new ParameterStore(m, false);
            AnytimeContext ctx = e.masking().context(m, e.input());
            NDArray masked = inference(() -> e.forward(block, ps, x, false, ctx));
            NDArray plain = inference(() -> e.forward(block, ps, x, false, null));
            Shape out = plain.getShape();
            SpatialMask.Level level = ctx.mask().at(out.get(2), out.get(3));
            assertTrue(
                    level.activeCount() > 0 && level.skippedCount() > 0,
                    e.name() + ": mask is all or nothing");
            NDArray compute = level.compute();
            assertTrue(
                    Fixtures.relErr(masked.mul(compute), plain.mul(compute)) < 1e-5,
                    e.name() + ": computed positions differ from the unmasked pass");
            assertTrue(
                    Fixtures.maxAbs(masked.sub(plain).mul(level.skip())) > 1e-3,
                    e.name() + ": skipped positions hold the convolution, not the fill");
            long dense = Cost.of(e.factory().get(), e.input()).macs();
            long perPosition = dense / level.total();
            assertEquals(
                    perPosition * level.activeCount()
                            + RbfInterpolation.macs(out.get(1), level.skippedCount(), ctx.radius()),
                    ctx.macs(),
                    e.name());
        }
    }

    /**
     * Eval mode, so BN normalizes with running statistics: in a batch-statistics pass a bias that
     * feeds BN (ReXNet's SE fc1) has an exactly zero gradient by construction.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void backwardReachesEveryTrainableParameter(OperatorCatalog.Entry e) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = Fixtures.init(e.factory().get(), m, e.input());
            NDArray x = m.randomNormal(e.input());
            x.setRequiresGradient(true);
            backward(e, block, x, false);
            assertTrue(Fixtures.maxAbs(x.getGradient()) > 0, e.name() + ": input gradient is zero");
            for (Pair<String, Parameter> p : block.getParameters()) {
                Parameter param = p.getValue();
                if (!param.requiresGradient()) {
                    continue;
                }
                NDArray grad = param.getArray().getGradient();
                assertFalse(
                        Fixtures.maxAbs(grad) == 0,
                        e.name() + ": parameter " + p.getKey() + " got no gradient");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void trainingBackwardIsFiniteAndReachesTheInput(OperatorCatalog.Entry e) {
        // Seeded so drop path's per-sample masks are the same on every run.
        Engine.getInstance().setRandomSeed(7);
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = Fixtures.init(e.factory().get(), m, e.input());
            NDArray x = m.randomNormal(e.input());
            x.setRequiresGradient(true);
            backward(e, block, x, true);
            assertTrue(Fixtures.maxAbs(x.getGradient()) > 0, e.name() + ": input gradient is zero");
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    NDArray grad = p.getValue().getArray().getGradient();
                    assertTrue(
                            grad.isNaN().logicalOr(grad.isInfinite()).none().getBoolean(),
                            e.name() + ": " + p.getKey() + " has a non-finite gradient");
                }
            }
        }
    }

    private static NDArray inference(Supplier<NDArray> pass) {
        boolean recording = Autograd.isRecording();
        Autograd.setRecording(false);
        try {
            return pass.get();
        } finally {
            Autograd.setRecording(recording);
        }
    }

    private static void backward(
            OperatorCatalog.Entry e, Block block, NDArray x, boolean training) {
        NDManager m = x.getManager();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = Fixtures.forward(e, block, x, training);
            // A random projection: a plain sum would give BN's gamma a zero gradient.
            gc.backward(y.mul(m.randomNormal(y.getShape())).sum());
        }
    }
}
