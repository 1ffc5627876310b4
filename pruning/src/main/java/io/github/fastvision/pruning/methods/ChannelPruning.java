package io.github.fastvision.pruning.methods;

import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.pruning.ChannelSelection;
import java.util.List;

/**
 * A structured pruning method: chooses the channels of a model's groups to keep, for {@link
 * io.github.fastvision.pruning.surgery.Surgery} to cut the rest. The factories give each method at
 * a ratio; {@link L1NormFilterPruning}'s presets are instances too.
 */
@FunctionalInterface
public interface ChannelPruning {

    /**
     * Selects the channels to keep.
     *
     * @param groups the model's groups (from its family)
     * @return the selection
     * @throws IllegalArgumentException when the method cannot prune these groups as configured
     */
    ChannelSelection select(List<ChannelGroup> groups);

    /**
     * L1-norm filter pruning at the same ratio in every prunable layer.
     *
     * @param ratio share of filters removed per layer, in (0, 1)
     * @return the method
     */
    static ChannelPruning l1(double ratio) {
        return L1NormFilterPruning.uniform(ratio);
    }

    /**
     * Network Slimming: one global |γ| threshold.
     *
     * @param ratio the global share of prunable channels removed, in (0, 1)
     * @return the method (see {@link NetworkSlimming#select})
     */
    static ChannelPruning slimming(double ratio) {
        return groups -> NetworkSlimming.select(groups, ratio);
    }

    /**
     * Uniform channel pruning: the largest-L1 filters kept at the same ratio per layer.
     *
     * @param ratio share of filters removed per layer, in (0, 1)
     * @return the method (see {@link UniformPruning#select})
     */
    static ChannelPruning uniform(double ratio) {
        return groups -> UniformPruning.select(groups, ratio);
    }
}
