package io.github.fastvision.pruning.methods;

import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.pruning.ChannelSelection;
import java.util.List;

/**
 * Uniform pruning, the architecture-search baseline of thesis §3.6 (Fig. 3.3): the same share of
 * channels removed in every layer. {@link #widths} gives the narrowed architecture to train from
 * scratch (residual widths included); {@link #select} keeps the largest-L1 filters of the prunable
 * layers at that share, for a pruned model with inherited weights.
 */
public final class UniformPruning {

    private UniformPruning() {}

    /**
     * The uniformly narrowed width table.
     *
     * @param groups the model's groups
     * @param ratio share of channels removed per layer, in (0, 1)
     * @return the widths, each max(1, round(w · (1 − ratio)))
     */
    public static int[] widths(List<ChannelGroup> groups, double ratio) {
        check(ratio);
        int[] w = new int[groups.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.max(1, (int) Math.round(groups.get(i).width() * (1 - ratio)));
        }
        return w;
    }

    /**
     * Selects, in every prunable layer, the filters to keep at the same ratio (largest L1 norm).
     *
     * @param groups the model's groups
     * @param ratio share of filters removed per layer, in (0, 1)
     * @return the selection
     */
    public static ChannelSelection select(List<ChannelGroup> groups, double ratio) {
        check(ratio);
        return L1NormFilterPruning.builder()
                .optRatio(ratio)
                .optName("uniform")
                .build()
                .select(groups);
    }

    private static void check(double ratio) {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException(
                    "ratio must be in (0, 1) (the share of channels removed per layer) but was "
                            + ratio);
        }
    }
}
