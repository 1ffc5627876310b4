package io.github.fastvision.pruning.methods;

import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.pruning.ChannelScores;
import io.github.fastvision.pruning.ChannelSelection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * L1-norm filter pruning (Li et al., ICLR 2017; thesis §3.5.1, Table 3.1): in each prunable layer,
 * the filters with the smallest sum of absolute kernel weights are removed, at a predefined ratio
 * per layer. The paper's CIFAR configurations are presets: VGG-16-A and ResNet-56/110-A/B (for the
 * ResNets only the first convolution of each residual block is pruned, sensitive blocks are
 * skipped, and the ratio is set per stage).
 */
public final class L1NormFilterPruning implements ChannelPruning {

    private final double[] stageRatios;
    private final Set<Integer> skip;
    private final double[] layerRatios;
    private final String name;

    private L1NormFilterPruning(Builder b) {
        this.stageRatios = b.stageRatios;
        this.skip = Set.copyOf(b.skip);
        this.layerRatios = b.layerRatios;
        this.name = b.name;
    }

    /**
     * Starts a configuration.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The same ratio in every prunable layer.
     *
     * @param ratio share of filters to remove per layer, in (0, 1)
     * @return the method
     */
    public static L1NormFilterPruning uniform(double ratio) {
        return builder().optRatio(ratio).build();
    }

    /**
     * VGG-16-A: half the filters of conv 1 and of convs 8–13 (Li et al. Table 2).
     *
     * @return the method
     */
    public static L1NormFilterPruning vgg16A() {
        double[] r = new double[13];
        r[0] = 0.5;
        for (int i = 7; i < 13; i++) {
            r[i] = 0.5;
        }
        return builder().optLayerRatios(r).optName("VGG-16-A").build();
    }

    /**
     * ResNet-56-A: 10% of each block's first convolution, blocks 7, 9, 18, 26 (0-based; the
     * original code's layers 16, 20, 38, 54) skipped.
     *
     * @return the method
     */
    public static L1NormFilterPruning resnet56A() {
        return builder()
                .optStageRatios(0.1, 0.1, 0.1)
                .optSkipBlocks(Set.of(7, 9, 18, 26))
                .optName("ResNet-56-A")
                .build();
    }

    /**
     * ResNet-56-B: 60%, 30%, 10% per stage, blocks 7, 8, 9, 16, 18, 26 skipped.
     *
     * @return the method
     */
    public static L1NormFilterPruning resnet56B() {
        return builder()
                .optStageRatios(0.6, 0.3, 0.1)
                .optSkipBlocks(Set.of(7, 8, 9, 16, 18, 26))
                .optName("ResNet-56-B")
                .build();
    }

    /**
     * ResNet-110-A: 50% in the first stage, block 17 skipped.
     *
     * @return the method
     */
    public static L1NormFilterPruning resnet110A() {
        return builder()
                .optStageRatios(0.5, 0.0, 0.0)
                .optSkipBlocks(Set.of(17))
                .optName("ResNet-110-A")
                .build();
    }

    /**
     * ResNet-110-B: 50%, 40%, 30% per stage, blocks 17, 18, 36 skipped.
     *
     * @return the method
     */
    public static L1NormFilterPruning resnet110B() {
        return builder()
                .optStageRatios(0.5, 0.4, 0.3)
                .optSkipBlocks(Set.of(17, 18, 36))
                .optName("ResNet-110-B")
                .build();
    }

    /**
     * Returns the configuration's name.
     *
     * @return e.g. "ResNet-56-B" or "L1 50%"
     */
    public String name() {
        return name;
    }

    /**
     * Selects the filters to keep.
     *
     * @param groups the model's groups (from its family)
     * @return the selection
     * @throws IllegalArgumentException when the layer ratios do not fit the model or a layer would
     *     lose every filter (the message names the layer and the ratios it allows)
     */
    @Override
    public ChannelSelection select(List<ChannelGroup> groups) {
        List<Integer> prunable = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).prunable()) {
                prunable.add(i);
            }
        }
        if (layerRatios != null && layerRatios.length != prunable.size()) {
            throw new IllegalArgumentException(
                    name
                            + " gives "
                            + layerRatios.length
                            + " layer ratios but the model has "
                            + prunable.size()
                            + " prunable layers");
        }
        List<int[]> kept = new ArrayList<>();
        int layer = 0;
        for (int i = 0; i < groups.size(); i++) {
            ChannelGroup g = groups.get(i);
            if (!g.prunable()) {
                kept.add(ChannelSelection.range(g.width()));
                continue;
            }
            double r;
            if (layerRatios != null) {
                r = layerRatios[layer];
            } else if (skip.contains(layer)) {
                r = 0;
            } else {
                if (g.stage() >= stageRatios.length) {
                    throw new IllegalArgumentException(
                            name
                                    + " gives ratios for "
                                    + stageRatios.length
                                    + " stages but "
                                    + g.name()
                                    + " is in stage "
                                    + g.stage());
                }
                r = stageRatios[g.stage()];
            }
            layer++;
            // The original code keeps int(width · (1 − ratio)) filters.
            int keep = (int) Math.floor(g.width() * (1 - r) + 1e-9);
            if (keep < 1) {
                throw new IllegalArgumentException(
                        String.format(
                                java.util.Locale.ROOT,
                                "%s: a ratio of %s would remove every channel of %s (%d filters);"
                                        + " expected a ratio in [0, %.4f] for this layer",
                                name,
                                r,
                                g.name(),
                                g.width(),
                                1 - 1.0 / g.width()));
            }
            kept.add(largest(ChannelScores.filterL1(g.filters().getArray()), keep));
        }
        return ChannelSelection.of(groups, kept);
    }

    /**
     * Returns the indices of the {@code keep} largest scores (ties: the lower index), sorted.
     *
     * @param scores one score per channel
     * @param keep how many to keep
     * @return the sorted indices
     */
    static int[] largest(double[] scores, int keep) {
        int[] order = Arrays.copyOf(ChannelScores.ranked(scores), Math.max(0, keep));
        Arrays.sort(order);
        return order;
    }

    /** Configuration: one uniform ratio, ratios per stage with skipped blocks, or per layer. */
    public static final class Builder {
        private double[] stageRatios;
        private Set<Integer> skip = Set.of();
        private double[] layerRatios;
        private String name;

        private Builder() {}

        /**
         * Sets one ratio for every prunable layer.
         *
         * @param ratio share of filters removed, in (0, 1)
         * @return this
         */
        public Builder optRatio(double ratio) {
            if (!(ratio > 0 && ratio < 1)) {
                throw new IllegalArgumentException(
                        "ratio must be in (0, 1) (the share of filters removed) but was " + ratio);
            }
            this.stageRatios = null;
            this.layerRatios = null;
            this.uniform = ratio;
            return this;
        }

        private double uniform = Double.NaN;

        /**
         * Sets one ratio per stage (feature-map resolution).
         *
         * @param ratios shares in [0, 1), first stage first
         * @return this
         */
        public Builder optStageRatios(double... ratios) {
            this.stageRatios = ratios.clone();
            return this;
        }

        /**
         * Sets prunable layers (0-based, among the prunable groups) that keep every filter.
         *
         * @param layers the skipped layers
         * @return this
         */
        public Builder optSkipBlocks(Set<Integer> layers) {
            this.skip = layers;
            return this;
        }

        /**
         * Sets one ratio per prunable layer.
         *
         * @param ratios shares in [0, 1), one per prunable group
         * @return this
         */
        public Builder optLayerRatios(double... ratios) {
            this.layerRatios = ratios.clone();
            return this;
        }

        /**
         * Sets the configuration's name.
         *
         * @param name the name (default "L1 &lt;ratio&gt;")
         * @return this
         */
        public Builder optName(String name) {
            this.name = name;
            return this;
        }

        /**
         * Validates the ratios and builds the method.
         *
         * @return the method
         */
        public L1NormFilterPruning build() {
            if (!Double.isNaN(uniform)) {
                stageRatios = new double[64];
                Arrays.fill(stageRatios, uniform);
            }
            if (stageRatios == null && layerRatios == null) {
                throw new IllegalArgumentException(
                        "L1NormFilterPruning: set a ratio, stage ratios or layer ratios");
            }
            for (double r : stageRatios != null ? stageRatios : layerRatios) {
                if (!(r >= 0 && r < 1)) {
                    throw new IllegalArgumentException(
                            "L1NormFilterPruning: every ratio must be in [0, 1) but one was " + r);
                }
            }
            if (name == null) {
                name =
                        Double.isNaN(uniform)
                                ? "L1"
                                : String.format(java.util.Locale.ROOT, "L1 %.0f%%", 100 * uniform);
            }
            return new L1NormFilterPruning(this);
        }
    }
}
