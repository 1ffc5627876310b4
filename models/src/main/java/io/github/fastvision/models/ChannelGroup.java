package io.github.fastvision.models;

import ai.djl.nn.Parameter;
import java.util.List;

/**
 * One entry of a model's width table: a set of channels that are kept or removed together, with
 * every parameter axis that runs over them. Pruning a group removes the same channel indices from
 * each member; a group whose channels are shared across residual connections is marked not prunable
 * (the pruning methods keep it whole, as stated in {@code fastvision-pruning}).
 *
 * @param name stable, human-readable name, e.g. "features.3" or "stages_1.2.inner"
 * @param width the channels the group has now
 * @param stage the index of the feature-map resolution the channels live at (0 first), used by
 *     per-stage ratios and guided pruning
 * @param prunable whether inheriting methods may remove channels of the group
 * @param scale the BN scale factors of the group (Network Slimming's criterion), or null
 * @param filters the convolution whose output filters are the group (the L1-norm criterion), or
 *     null
 * @param members every parameter axis that runs over the group's channels (empty for groups that
 *     are not prunable: nothing slices them)
 */
public record ChannelGroup(
        String name,
        int width,
        int stage,
        boolean prunable,
        Parameter scale,
        Parameter filters,
        List<Member> members) {

    /**
     * A parameter and the axis of it that runs over the group's channels.
     *
     * @param parameter the parameter
     * @param axis 0 for output channels (conv filters, BN vectors), 1 for input channels
     */
    public record Member(Parameter parameter, int axis) {}
}
