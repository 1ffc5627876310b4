package io.github.fastvision.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.pruning.methods.NetworkSlimming;
import io.github.fastvision.pruning.methods.UniformPruning;
import io.github.fastvision.pruning.surgery.Surgery;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Widths rounded up to a multiple put back the best-scoring removed channels. */
class WidthRoundingTest {

    @Test
    void roundedWidthsAreMultiplesAndPutBackTheLargestScales() {
        try (NDManager m = NDManager.newBaseManager()) {
            // The tiny CIFAR VGG (4..8 channels), BN scales random (TinyModels), slimming 70%.
            VisionModel model = TinyModels.create("test_vgg_cifar", m, 7);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            ChannelSelection exact = NetworkSlimming.select(groups, 0.7);
            ChannelSelection rounded = exact.roundedUp(groups, 4);
            for (int i = 0; i < groups.size(); i++) {
                ChannelGroup g = groups.get(i);
                int[] k = exact.kept(i);
                int[] r = rounded.kept(i);
                int want = Math.min(g.width(), (k.length + 3) / 4 * 4);
                assertEquals(want, r.length, g.name() + " " + Arrays.toString(r));
                // Everything the method kept stays kept.
                for (int c : k) {
                    assertTrue(Arrays.binarySearch(r, c) >= 0, g.name() + " lost channel " + c);
                }
                // The channels put back score at least as high as every channel still removed.
                float[] gamma = g.scale().getArray().toType(DataType.FLOAT32, false).toFloatArray();
                double lowestAdded = Double.POSITIVE_INFINITY;
                double highestRemoved = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < g.width(); c++) {
                    boolean inExact = Arrays.binarySearch(k, c) >= 0;
                    boolean inRounded = Arrays.binarySearch(r, c) >= 0;
                    if (inRounded && !inExact) {
                        lowestAdded = Math.min(lowestAdded, Math.abs(gamma[c]));
                    } else if (!inRounded) {
                        highestRemoved = Math.max(highestRemoved, Math.abs(gamma[c]));
                    }
                }
                assertTrue(
                        lowestAdded >= highestRemoved,
                        g.name() + ": added " + lowestAdded + " < removed " + highestRemoved);
            }
            // The rounded model is rebuilt at exactly those widths.
            VisionModel pruned = Surgery.apply(model, rounded, m);
            assertArrayEquals(rounded.widths(), pruned.getOptions().widths().orElseThrow());
        }
    }

    @Test
    void oneIsTheIdentityAndAWidthNeverGrowsPastTheLayer() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create("test_vgg_cifar", m, 3);
            List<ChannelGroup> groups = PrunableModels.groups(model, "test");
            ChannelSelection uniform = UniformPruning.select(groups, 0.5);
            assertSame(uniform, uniform.roundedUp(groups, 1));
            int[] huge = uniform.roundedUp(groups, 1000).widths();
            assertArrayEquals(PrunableModels.widths(groups), huge);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class, () -> uniform.roundedUp(groups, 0));
            assertTrue(e.getMessage().contains("must be >= 1 but was 0"), e.getMessage());
        }
    }
}
