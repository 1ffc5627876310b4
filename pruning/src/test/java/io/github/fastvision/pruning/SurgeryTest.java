package io.github.fastvision.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.pruning.methods.L1NormFilterPruning;
import io.github.fastvision.pruning.surgery.Surgery;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Surgery rebuilds the model smaller and keeps exactly what the kept channels computed. */
class SurgeryTest {

    static List<String> names() {
        return TinyModels.NAMES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void keepingEveryChannelPreservesOutputsExactly(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 1);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            VisionModel copy = Surgery.apply(model, ChannelSelection.all(groups), m);
            assertArrayEquals(TinyModels.forward(model, m, 7), TinyModels.forward(copy, m, 7));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void removingChannelsMatchesTheMaskedForwardPass(String name) {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 2);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            ChannelSelection sel = L1NormFilterPruning.uniform(0.5).select(groups);
            VisionModel pruned = Surgery.apply(model, sel, m);
            assertTrue(
                    pruned.cost().params() < model.cost().params(),
                    "the pruned model must be physically smaller");
            // Masking: a removed channel's BN scale and shift at zero make it exactly zero after
            // the ReLU that follows, which is what dropping it computes.
            for (int i = 0; i < groups.size(); i++) {
                ChannelGroup g = groups.get(i);
                if (!g.prunable()) {
                    continue;
                }
                float[] gamma = g.scale().getArray().toFloatArray();
                NDArray betaArray = betaOf(g);
                float[] beta = betaArray.toFloatArray();
                boolean[] kept = new boolean[g.width()];
                for (int k : sel.kept(i)) {
                    kept[k] = true;
                }
                for (int c = 0; c < g.width(); c++) {
                    if (!kept[c]) {
                        gamma[c] = 0;
                        beta[c] = 0;
                    }
                }
                g.scale().getArray().set(gamma);
                betaArray.set(beta);
            }
            float[] masked = TinyModels.forward(model, m, 9);
            float[] got = TinyModels.forward(pruned, m, 9);
            assertEquals(masked.length, got.length);
            for (int i = 0; i < got.length; i++) {
                assertEquals(masked[i], got[i], 1e-5 * (1 + Math.abs(masked[i])), "output " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aPrunedModelSavesAndLoadsWithItsWidths(String name, @TempDir Path tmp) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create(name, m, 3);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            VisionModel pruned =
                    Surgery.apply(model, L1NormFilterPruning.uniform(0.5).select(groups), m);
            Path file = tmp.resolve(name + WeightsFile.EXTENSION);
            WeightsFile.save(pruned, file);
            WeightsFile.Header header = WeightsFile.header(file);
            assertArrayEquals(pruned.getOptions().widths().orElseThrow(), header.widths());
            VisionModel loaded =
                    io.github.fastvision.models.ModelRegistry.create(name, header.options(16));
            WeightsFile.load(loaded, m, file);
            assertArrayEquals(TinyModels.forward(pruned, m, 4), TinyModels.forward(loaded, m, 4));
        }
    }

    private static NDArray betaOf(ChannelGroup g) {
        // The BN members follow the producer in the order gamma, beta, mean, var.
        for (int i = 0; i < g.members().size(); i++) {
            if (g.members().get(i).parameter() == g.scale()) {
                return g.members().get(i + 1).parameter().getArray();
            }
        }
        throw new AssertionError("no BN scale among the members of " + g.name());
    }
}
