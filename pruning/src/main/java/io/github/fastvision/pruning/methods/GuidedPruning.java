package io.github.fastvision.pruning.methods;

import io.github.fastvision.models.ChannelGroup;
import java.util.List;

/**
 * Guided pruning (thesis §3.6.3, Fig. 3.6): the average width per stage (layers at the same
 * feature-map size) of architectures found by an automatic method, given to every layer of that
 * stage, as a design rule to train from scratch.
 */
public final class GuidedPruning {

    private GuidedPruning() {}

    /**
     * The guided width table: each prunable layer gets the mean width of its stage's prunable
     * layers over the pruned architectures; the other groups keep the original widths.
     *
     * @param groups the original model's groups
     * @param pruned width tables of pruned models of the same variant (at least one)
     * @return the widths
     */
    public static int[] widths(List<ChannelGroup> groups, List<int[]> pruned) {
        if (pruned.isEmpty()) {
            throw new IllegalArgumentException(
                    "guided pruning needs at least 1 pruned architecture but got none");
        }
        int stages = 0;
        for (ChannelGroup g : groups) {
            stages = Math.max(stages, g.stage() + 1);
        }
        double[] sum = new double[stages];
        int[] count = new int[stages];
        for (int[] w : pruned) {
            if (w.length != groups.size()) {
                throw new IllegalArgumentException(
                        "a pruned architecture has "
                                + w.length
                                + " widths but the model has "
                                + groups.size()
                                + " groups");
            }
            for (int i = 0; i < w.length; i++) {
                if (groups.get(i).prunable()) {
                    sum[groups.get(i).stage()] += w[i];
                    count[groups.get(i).stage()]++;
                }
            }
        }
        int[] out = new int[groups.size()];
        for (int i = 0; i < out.length; i++) {
            ChannelGroup g = groups.get(i);
            out[i] =
                    g.prunable()
                            ? Math.max(1, (int) Math.round(sum[g.stage()] / count[g.stage()]))
                            : g.width();
        }
        return out;
    }
}
