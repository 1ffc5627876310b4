package io.github.fastvision.models.anytime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.fastvision.core.anytime.MaskedConv2d;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.heads.EarlyExitHead;
import io.github.fastvision.models.heads.RedesignedExitHead;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class AnytimeSegmenterTest {

    private static final ModelOptions OPTIONS =
            ModelOptions.builder()
                    .setNumClasses(5)
                    .optInputSize(32)
                    .optInChannels(1)
                    .optDropPath(0f)
                    .build();

    private static AnytimeSegmenter build(NDManager m, AnytimeVariant v, float threshold) {
        m.getEngine().setRandomSeed(11);
        AnytimeSegmenter a =
                AnytimeSegmenter.builder()
                        .setBase("test_hrnet_seg")
                        .setOptions(OPTIONS)
                        .setVariant(v)
                        .optThreshold(threshold)
                        .optRadius(7)
                        .build();
        ChildBlocks.init(a, m, DataType.FLOAT32, new Shape(2, 1, 32, 32));
        return a;
    }

    /** Copies every parameter of {@code from} into the same-named parameter of {@code to}. */
    private static int copy(AnytimeSegmenter from, AnytimeSegmenter to) {
        Map<String, Parameter> target = new HashMap<>();
        for (Pair<String, Parameter> p : to.getParameters()) {
            target.put(p.getKey(), p.getValue());
        }
        int n = 0;
        for (Pair<String, Parameter> p : from.getParameters()) {
            target.get(p.getKey()).getArray().set(p.getValue().getArray().toByteBuffer());
            n++;
        }
        return n;
    }

    @Test
    void redesignedHeadsHaveDepthNMinusIAndAFixedWidth() {
        AnytimeSegmenter rh =
                AnytimeSegmenter.builder()
                        .setBase("test_hrnet_seg")
                        .setOptions(OPTIONS)
                        .setVariant(AnytimeVariant.EE_RH)
                        .optThreshold(0.998f)
                        .optRadius(7)
                        .build();
        int n = rh.numExits();
        assertEquals(4, n);
        for (int i = 1; i < n; i++) {
            RedesignedExitHead head = assertInstanceOf(RedesignedExitHead.class, rh.exit(i));
            assertEquals(n - i, head.depth(), "pool-conv steps at exit " + i);
            assertEquals(n - i, head.upsamplingSteps(), "interpolate-conv steps at exit " + i);
            assertEquals(8, head.width());
        }
        assertInstanceOf(EarlyExitHead.class, rh.exit(n), "the last exit is HRNet's own head");
        AnytimeSegmenter ee =
                AnytimeSegmenter.builder()
                        .setBase("test_hrnet_seg")
                        .setOptions(OPTIONS)
                        .setVariant(AnytimeVariant.EE)
                        .optThreshold(0.998f)
                        .optRadius(7)
                        .build();
        for (int i = 1; i <= n; i++) {
            assertInstanceOf(EarlyExitHead.class, ee.exit(i));
        }
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        RedesignedExitHead.builder()
                                .setBranchChannels(4)
                                .setNumClasses(5)
                                .setDepth(0)
                                .setWidth(8)
                                .build());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                AnytimeSegmenter.builder()
                                        .setBase("fasternet_t0")
                                        .setOptions(OPTIONS)
                                        .setVariant(AnytimeVariant.ADP_C)
                                        .optThreshold(0.998f)
                                        .optRadius(7)
                                        .build());
        assertTrue(e.getMessage().contains("HRNet"));
    }

    @Test
    void thresholdOneEqualsEeRhExactlyAndDenseCostMatchesTheCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            AnytimeSegmenter rh = build(m, AnytimeVariant.EE_RH, 0.998f);
            AnytimeSegmenter adpc = build(m, AnytimeVariant.ADP_C, 1.0f);
            assertTrue(copy(rh, adpc) > 0);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 1, 32, 32));
            NDList a = rh.forwardExits(ps, x, false);
            NDList b = adpc.forwardExits(ps, x, false);
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(
                        a.get(i).toFloatArray(), b.get(i).toFloatArray(), 0f, "exit " + (i + 1));
            }
            long[] dense = rh.denseMacsPerExit(new Shape(1, 1, 32, 32));
            try (AnytimeSegmenter.Pass pass = adpc.begin(ps, x.get("0:1"), false, true)) {
                for (int i = 0; i < 4; i++) {
                    assertEquals(
                            dense[i],
                            pass.next().macs(),
                            "cumulative multiply-adds at exit " + (i + 1));
                }
            }
            assertEquals(rh.cost(new Shape(1, 1, 32, 32)).macs(), dense[3]);
        }
    }

    @Test
    void aFullyConfidentFirstExitSkipsEverythingAndCarriesOver() {
        try (NDManager m = NDManager.newBaseManager()) {
            AnytimeSegmenter adpc = build(m, AnytimeVariant.ADP_C, 0.998f);
            // Make exit 1 certain of class 3 everywhere.
            for (Pair<String, Parameter> p : adpc.exit(1).getParameters()) {
                if (p.getKey().contains("classifier") && p.getKey().endsWith("bias")) {
                    p.getValue().getArray().set(new float[] {0, 0, 0, 100, 0});
                }
                if (p.getKey().contains("classifier") && p.getKey().endsWith("weight")) {
                    p.getValue().getArray().muli(0);
                }
            }
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 1, 32, 32));
            List<AnytimeSegmenter.ExitOutput> outs = new ArrayList<>();
            try (AnytimeSegmenter.Pass pass = adpc.begin(ps, x, false, true)) {
                while (pass.hasNext()) {
                    outs.add(pass.next());
                }
                for (int i = 1; i < 4; i++) {
                    assertArrayEquals(
                            outs.get(0).logits().toFloatArray(),
                            outs.get(i).logits().toFloatArray(),
                            0f);
                    assertEquals(
                            outs.get(0).macs(),
                            outs.get(i).macs(),
                            "nothing is computed after exit 1");
                    assertEquals(0.0, outs.get(i).computedFraction());
                }
            }
        }
    }

    /** The median exit-1 confidence: a threshold that skips about half of the positions. */
    private static float medianFirstExitConfidence(
            AnytimeSegmenter model, ParameterStore ps, NDArray x) {
        try (AnytimeSegmenter.Pass probe = model.begin(ps, x, false, false, 1f)) {
            float[] c = probe.next().logits().softmax(1).max(new int[] {1}).toFloatArray();
            java.util.Arrays.sort(c);
            return c[c.length / 2];
        }
    }

    /** Runs two passes exit by exit and hands each pair of outputs to {@code check}. */
    private static void inLockstep(
            AnytimeSegmenter.Pass a,
            AnytimeSegmenter.Pass b,
            BiConsumer<AnytimeSegmenter.ExitOutput, AnytimeSegmenter.ExitOutput> check) {
        while (a.hasNext()) {
            check.accept(a.next(), b.next());
        }
    }

    private static float maxAbsDifference(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void sparseAndDenseExecutionAgreeUnderPartialMasks() {
        try (NDManager m = NDManager.newBaseManager()) {
            AnytimeSegmenter adpc = build(m, AnytimeVariant.ADP_C, 0.998f);
            adpc.setMaxSparseDensity(1.0);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 1, 32, 32));
            boolean recording = Autograd.isRecording();
            Autograd.setRecording(false);
            try {
                float threshold = medianFirstExitConfidence(adpc, ps, x);
                List<Double> fractions = new ArrayList<>();
                try (AnytimeSegmenter.Pass d = adpc.begin(ps, x, false, false, threshold);
                        AnytimeSegmenter.Pass s = adpc.begin(ps, x, false, true, threshold)) {
                    inLockstep(
                            d,
                            s,
                            (dense, sparse) -> {
                                float diff = maxAbsDifference(dense.logits(), sparse.logits());
                                assertTrue(
                                        diff < 1e-3,
                                        "exit " + dense.exit() + " differs by " + diff);
                                fractions.add(sparse.computedFraction());
                            });
                }
                assertTrue(
                        fractions.get(1) > 0.2 && fractions.get(1) < 0.8,
                        "partial mask: " + fractions);
            } finally {
                Autograd.setRecording(recording);
            }
        }
    }

    @Test
    void sparsePredictionsEqualTheDenseMaskedPathAtDensityZeroPartialAndOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            AnytimeSegmenter adpc = build(m, AnytimeVariant.ADP_C, 0.998f);
            // Every masked convolution takes the Java gather, whatever its density.
            adpc.setMaxSparseDensity(1.0);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 1, 32, 32));
            boolean recording = Autograd.isRecording();
            Autograd.setRecording(false);
            try {
                float median = medianFirstExitConfidence(adpc, ps, x);
                // A threshold below every confidence computes nothing after exit 1, the median
                // about half, and 1 everything.
                for (float threshold : new float[] {1e-6f, median, 1f}) {
                    List<Double> fractions = new ArrayList<>();
                    try (AnytimeSegmenter.Pass d = adpc.begin(ps, x, false, false, threshold);
                            AnytimeSegmenter.Pass s = adpc.begin(ps, x, false, true, threshold)) {
                        inLockstep(
                                d,
                                s,
                                (dense, sparse) -> {
                                    String what =
                                            "threshold " + threshold + " exit " + dense.exit();
                                    assertArrayEquals(
                                            dense.logits().argMax(1).toLongArray(),
                                            sparse.logits().argMax(1).toLongArray(),
                                            what);
                                    float diff = maxAbsDifference(dense.logits(), sparse.logits());
                                    assertTrue(diff < 1e-3, what + " differs by " + diff);
                                    fractions.add(sparse.computedFraction());
                                });
                    }
                    double last = fractions.get(fractions.size() - 1);
                    if (threshold == 1f) {
                        assertEquals(1.0, last, 1e-12, "density 1: " + fractions);
                    } else if (threshold < 1e-3f) {
                        assertEquals(0.0, last, 1e-12, "density 0: " + fractions);
                    } else {
                        assertTrue(last > 0 && last < 1, "partial density: " + fractions);
                    }
                }
            } finally {
                Autograd.setRecording(recording);
            }
        }
    }

    /** Every masked convolution under {@code block}, depth first. */
    private static List<MaskedConv2d> maskedConvs(Block block) {
        List<MaskedConv2d> found = new ArrayList<>();
        if (block instanceof MaskedConv2d c) {
            found.add(c);
        }
        for (Pair<String, Block> child : block.getChildren()) {
            found.addAll(maskedConvs(child.getValue()));
        }
        return found;
    }

    private static long unfilled(Block block) {
        return maskedConvs(block).stream().filter(c -> !c.fillsSkipped()).count();
    }

    @Test
    void carriedOverExitsSkipTheirUnreadFillsWithoutChangingAnyPrediction() {
        try (NDManager m = NDManager.newBaseManager()) {
            AnytimeSegmenter lean = build(m, AnytimeVariant.ADP_C, 0.998f);
            // The final head's two 1x1 convolutions and the classifiers of redesigned exits 2 and
            // 3.
            assertEquals(4, unfilled(lean));
            AnytimeSegmenter full = build(m, AnytimeVariant.ADP_C, 0.998f);
            copy(lean, full);
            maskedConvs(full).forEach(c -> c.setFillSkipped(true));
            assertEquals(0, unfilled(full));
            assertEquals(
                    0, unfilled(build(m, AnytimeVariant.EE_RH, 1f)), "no masks, nothing to skip");
            lean.setMaxSparseDensity(1.0);
            full.setMaxSparseDensity(1.0);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 1, 32, 32));
            boolean recording = Autograd.isRecording();
            Autograd.setRecording(false);
            try {
                float threshold = medianFirstExitConfidence(lean, ps, x);
                for (boolean sparse : new boolean[] {false, true}) {
                    try (AnytimeSegmenter.Pass a = lean.begin(ps, x, false, sparse, threshold);
                            AnytimeSegmenter.Pass b = full.begin(ps, x, false, sparse, threshold)) {
                        inLockstep(
                                a,
                                b,
                                (oa, ob) -> {
                                    float diff = maxAbsDifference(oa.logits(), ob.logits());
                                    assertTrue(
                                            diff < 1e-5,
                                            (sparse ? "sparse" : "dense")
                                                    + " exit "
                                                    + oa.exit()
                                                    + " differs by "
                                                    + diff);
                                    if (oa.exit() > 1) {
                                        assertTrue(
                                                oa.macs() < ob.macs(),
                                                "exit " + oa.exit() + ": " + oa.macs() + " vs "
                                                        + ob.macs());
                                    } else {
                                        assertEquals(ob.macs(), oa.macs());
                                    }
                                });
                    }
                }
            } finally {
                Autograd.setRecording(recording);
            }
        }
    }

    /**
     * Long inference and training loops must not grow native memory: a pass keeps its arrays in the
     * batch's manager, and the cached RBF filters and λ values stay fixed in number. (A filter once
     * attached each pass's vertical window sum to its long-lived cache manager: about 400 MB per
     * batch of 16 on hrnet_w18_seg.)
     */
    @Test
    void repeatedPassesLeaveNoArraysBehind() {
        try (NDManager m = NDManager.newBaseManager()) {
            AnytimeSegmenter adpc = build(m, AnytimeVariant.ADP_C, 0.998f);
            ParameterStore ps = new ParameterStore(m, false);
            float threshold;
            boolean recording = Autograd.isRecording();
            Autograd.setRecording(false);
            float[] image;
            try (NDManager probeManager = m.newSubManager()) {
                NDArray x = probeManager.randomNormal(new Shape(2, 1, 32, 32));
                image = x.toFloatArray();
                threshold = medianFirstExitConfidence(adpc, ps, x);
            } finally {
                Autograd.setRecording(recording);
            }
            int[] counts = new int[6];
            for (int i = 0; i < counts.length; i++) {
                // Alternate dense-and-mask and gather-sparse execution, then training passes.
                boolean sparse = i % 2 == 1;
                adpc.setMaxSparseDensity(sparse ? 1.0 : 0.0);
                try (NDManager batch = m.newSubManager()) {
                    NDArray x = batch.create(image, new Shape(2, 1, 32, 32));
                    if (i < 4) {
                        Autograd.setRecording(false);
                        try (AnytimeSegmenter.Pass pass =
                                adpc.begin(ps, x, false, sparse, threshold)) {
                            int exits = 0;
                            while (pass.hasNext()) {
                                AnytimeSegmenter.ExitOutput o = pass.next();
                                o.logits().getFloat(0, 0, 0, 0);
                                exits++;
                                if (exits == 2) {
                                    assertTrue(
                                            o.computedFraction() > 0.1
                                                    && o.computedFraction() < 0.9,
                                            "partial mask: " + o.computedFraction());
                                }
                            }
                        } finally {
                            Autograd.setRecording(recording);
                        }
                    } else {
                        try (ai.djl.training.GradientCollector gc =
                                ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                            NDList outs = adpc.forwardExits(ps, x, true);
                            NDArray loss = outs.get(0).mean();
                            for (int k = 1; k < outs.size(); k++) {
                                loss = loss.add(outs.get(k).mean());
                            }
                            gc.backward(loss);
                        }
                    }
                }
                counts[i] = m.getManagedArrays().size();
            }
            // The first pass of each kind fills the caches (filters per convolution, gradients).
            assertEquals(
                    counts[2], counts[3], "inference passes: " + java.util.Arrays.toString(counts));
            assertEquals(
                    counts[1], counts[3], "inference passes: " + java.util.Arrays.toString(counts));
            assertEquals(
                    counts[4], counts[5], "training passes: " + java.util.Arrays.toString(counts));
        }
    }

    @Test
    void predictorHonoursDeadlinesBudgetsAndCancellation() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            AnytimeSegmenter adpc = build(m, AnytimeVariant.ADP_C, 0.998f);
            AnytimePredictor predictor = new AnytimePredictor(adpc, m, true);
            NDArray x = m.randomNormal(new Shape(1, 1, 32, 32));

            List<Integer> seen = new ArrayList<>();
            AnytimePredictor.Result all =
                    predictor.predict(x, AnytimePredictor.Budget.NONE, p -> seen.add(p.exit()));
            assertEquals(List.of(1, 2, 3, 4), seen);
            assertEquals(AnytimePredictor.StopReason.COMPLETED, all.reason());
            assertEquals(new Shape(1, 8, 8), all.latest().classes().getShape());
            for (int i = 1; i < 4; i++) {
                assertTrue(
                        all.predictions()
                                        .get(i)
                                        .elapsed()
                                        .compareTo(all.predictions().get(i - 1).elapsed())
                                >= 0);
            }

            AnytimePredictor.Result late =
                    predictor.predict(x, AnytimePredictor.Budget.deadline(Duration.ZERO), null);
            assertEquals(1, late.predictions().size(), "the first exit is always computed");
            assertEquals(AnytimePredictor.StopReason.DEADLINE, late.reason());

            AnytimePredictor.Result two =
                    predictor.predict(
                            x, new AnytimePredictor.Budget(null, Long.MAX_VALUE, 2), null);
            assertEquals(2, two.latest().exit());
            assertEquals(AnytimePredictor.StopReason.EXIT_LIMIT, two.reason());

            long exit1 = all.predictions().get(0).macs();
            AnytimePredictor.Result budget =
                    predictor.predict(x, new AnytimePredictor.Budget(null, exit1, 99), null);
            assertEquals(1, budget.predictions().size());
            assertEquals(AnytimePredictor.StopReason.BUDGET, budget.reason());

            AnytimePredictor.Result cancelled =
                    predictor.predict(
                            x,
                            AnytimePredictor.Budget.NONE,
                            p -> {
                                Thread t = new Thread(predictor::cancel);
                                t.start();
                                try {
                                    t.join();
                                } catch (InterruptedException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            assertEquals(AnytimePredictor.StopReason.CANCELLED, cancelled.reason());
            assertEquals(1, cancelled.predictions().size());
            // A cancel is consumed by the call it stopped.
            assertEquals(
                    4,
                    predictor.predict(x, AnytimePredictor.Budget.NONE, null).predictions().size());
        }
    }
}
