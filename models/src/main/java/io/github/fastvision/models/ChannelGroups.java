package io.github.fastvision.models;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the width-table families share: resolving a model's width table against its options, and
 * describing a channel group that lives inside one block (produced by one layer, optionally
 * normalized by a BN, read by the next layer).
 */
public final class ChannelGroups {

    private static final List<String> BN_VECTORS =
            List.of("gamma", "beta", "runningMean", "runningVar");

    private ChannelGroups() {}

    /**
     * A width table with one entry per block, stage by stage (FasterNet's and ConvNeXt's MLP hidden
     * widths).
     *
     * @param depths blocks per stage
     * @param widthOfStage the width of every block of stage {@code s}
     * @return {@code widthOfStage(s)} repeated {@code depths[s]} times, for each stage in order
     */
    public static int[] perBlock(int[] depths, java.util.function.IntUnaryOperator widthOfStage) {
        int blocks = 0;
        for (int d : depths) {
            blocks += d;
        }
        int[] widths = new int[blocks];
        int at = 0;
        for (int s = 0; s < depths.length; s++) {
            int w = widthOfStage.applyAsInt(s);
            for (int j = 0; j < depths[s]; j++) {
                widths[at++] = w;
            }
        }
        return widths;
    }

    /**
     * Returns the widths a model is built at: the options' widths, checked against the length of
     * the variant's table, or the variant's own.
     *
     * @param options the model's options
     * @param model the zoo name, for the message
     * @param defaults the variant's width table
     * @return the widths to build
     * @throws IllegalArgumentException when the options' table has another length
     */
    public static int[] resolve(ModelOptions options, String model, int[] defaults) {
        int[] widths = options.widths().orElse(defaults);
        if (widths.length != defaults.length) {
            throw new IllegalArgumentException(
                    model
                            + " has "
                            + defaults.length
                            + " entries in its width table but "
                            + widths.length
                            + " widths were given");
        }
        return widths;
    }

    /**
     * Describes a prunable group produced inside one block. Its members are the producer's filters
     * and any bias (axis 0), the BN vectors after it (axis 0) and the consumers' weights (axis 1).
     *
     * @param name the group's stable name, e.g. "stages_2.1.mlp_hidden"
     * @param width the group's channels
     * @param stage the stage the block is in
     * @param block the block holding producer, norm and consumer
     * @param filters the producer's weight, named relative to {@code block}
     * @param bias the producer's bias, or null when it has none
     * @param bn the prefix of the BN after the producer (e.g. "conv1.bn."), or null when there is
     *     none (the group then has no scale and Network Slimming does not apply to it)
     * @param consumers the weights of the layers reading the group (axis 1), named relative to
     *     {@code block}
     * @return the group
     * @throws IllegalStateException when a named parameter does not exist
     */
    public static ChannelGroup inner(
            String name,
            int width,
            int stage,
            Block block,
            String filters,
            String bias,
            String bn,
            List<String> consumers) {
        Map<String, Parameter> p = named(block);
        List<ChannelGroup.Member> members = new ArrayList<>();
        members.add(new ChannelGroup.Member(require(p, filters, name), 0));
        if (bias != null) {
            members.add(new ChannelGroup.Member(require(p, bias, name), 0));
        }
        if (bn != null) {
            for (String v : BN_VECTORS) {
                members.add(new ChannelGroup.Member(require(p, bn + v, name), 0));
            }
        }
        for (String consumer : consumers) {
            members.add(new ChannelGroup.Member(require(p, consumer, name), 1));
        }
        return new ChannelGroup(
                name,
                width,
                stage,
                true,
                bn == null ? null : p.get(bn + "gamma"),
                p.get(filters),
                List.copyOf(members));
    }

    private static Parameter require(Map<String, Parameter> p, String key, String group) {
        Parameter parameter = p.get(key);
        if (parameter == null) {
            throw new IllegalStateException(group + ": the block has no parameter " + key);
        }
        return parameter;
    }

    private static Map<String, Parameter> named(Block block) {
        Map<String, Parameter> map = new HashMap<>();
        for (ParameterNames.Named n : ParameterNames.of(block)) {
            map.put(n.name(), n.parameter());
        }
        return map;
    }
}
