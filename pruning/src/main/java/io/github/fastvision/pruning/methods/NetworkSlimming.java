package io.github.fastvision.pruning.methods;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Parameter;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.pruning.ChannelScores;
import io.github.fastvision.pruning.ChannelSelection;
import io.github.fastvision.training.TrainingLoopListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Network Slimming (Liu et al., ICCV 2017; thesis §3.5.2, Table 3.4): train with an L1 penalty
 * λ·Σ|γ| on the BN scale factors ({@link #penalty}), then remove, over the whole network, the share
 * of channels with the smallest |γ| (one global threshold, so the widths per layer are found
 * automatically). λ is 10⁻⁴ for VGG and 10⁻⁵ for the ResNets, as in the paper.
 *
 * <p>Channels shared across residual connections: the original PreResNet code inserts a
 * channel-selection layer after each block's first BN. Here those coupled groups (residual widths)
 * are left whole and only the inner channels of each block are ranked and pruned; the global share
 * is taken over the prunable channels.
 *
 * <p>Groups without a BN after them (ConvNeXt's MLP hidden width follows a LayerNorm) have no scale
 * to rank: both {@link #select} and {@link #penalty} refuse such models.
 */
public final class NetworkSlimming {

    /** λ for VGG networks. */
    public static final double LAMBDA_VGG = 1e-4;

    /** λ for residual networks. */
    public static final double LAMBDA_RESNET = 1e-5;

    private NetworkSlimming() {}

    /**
     * Returns the paper's λ for a zoo model.
     *
     * @param model the zoo name
     * @return 1e-4 for VGG, 1e-5 otherwise
     */
    public static double defaultLambda(String model) {
        return model.startsWith("vgg") || model.contains("vgg") ? LAMBDA_VGG : LAMBDA_RESNET;
    }

    /**
     * Selects the channels to keep: the {@code round(ratio · N)} prunable channels with the
     * smallest |γ| are removed, N counted over all prunable groups.
     *
     * @param groups the model's groups
     * @param ratio the global share of prunable channels to remove, in (0, 1)
     * @return the selection
     * @throws IllegalArgumentException when the ratio is outside (0, 1), would empty a layer, or a
     *     prunable group has no BN scale
     */
    public static ChannelSelection select(List<ChannelGroup> groups, double ratio) {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException(
                    "ratio must be in (0, 1) (the global share of channels removed) but was "
                            + ratio);
        }
        requireScales(groups);
        List<double[]> scales = new ArrayList<>();
        List<long[]> all = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            ChannelGroup g = groups.get(i);
            if (!g.prunable()) {
                scales.add(null);
                continue;
            }
            double[] s = ChannelScores.bnScale(g);
            for (int c = 0; c < s.length; c++) {
                all.add(new long[] {i, c});
            }
            scales.add(s);
        }
        int remove = (int) Math.round(ratio * all.size());
        all.sort(
                Comparator.<long[]>comparingDouble(e -> scales.get((int) e[0])[(int) e[1]])
                        .thenComparingLong(e -> e[0])
                        .thenComparingLong(e -> e[1]));
        boolean[][] removed = new boolean[groups.size()][];
        for (int i = 0; i < groups.size(); i++) {
            removed[i] = new boolean[groups.get(i).width()];
        }
        for (int k = 0; k < remove; k++) {
            long[] e = all.get(k);
            removed[(int) e[0]][(int) e[1]] = true;
        }
        List<int[]> kept = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            int[] k = new int[groups.get(i).width()];
            int n = 0;
            for (int c = 0; c < k.length; c++) {
                if (!removed[i][c]) {
                    k[n++] = c;
                }
            }
            kept.add(Arrays.copyOf(k, n));
        }
        return ChannelSelection.of(groups, kept);
    }

    /**
     * The sparsity penalty as a training hook: after every backward pass, λ·sign(γ) (the
     * subgradient of λ·|γ|) is added to the gradient of each prunable group's BN scale.
     *
     * @param groups the model's groups
     * @param lambda λ, > 0
     * @return the listener to pass to the trainer
     * @throws IllegalArgumentException when λ is not positive or a prunable group has no BN scale
     */
    public static TrainingLoopListener penalty(List<ChannelGroup> groups, double lambda) {
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("lambda must be > 0 but was " + lambda);
        }
        requireScales(groups);
        List<Parameter> scales = new ArrayList<>();
        for (ChannelGroup g : groups) {
            if (g.prunable()) {
                scales.add(g.scale());
            }
        }
        float l = (float) lambda;
        return new TrainingLoopListener() {
            @Override
            public void onGradients(long step) {
                // The temporaries are freed here, not attached to the parameters' manager.
                try (NDScope ignored = new NDScope()) {
                    for (Parameter p : scales) {
                        NDArray gamma = p.getArray();
                        gamma.getGradient().addi(gamma.sign().muli(l));
                    }
                }
            }
        };
    }

    /** The criterion is |γ| of the BN after each group: a group without one cannot be ranked. */
    private static void requireScales(List<ChannelGroup> groups) {
        for (ChannelGroup g : groups) {
            if (g.prunable() && g.scale() == null) {
                throw new IllegalArgumentException(
                        "Network Slimming ranks channels by the BN scale after them, but "
                                + g.name()
                                + " has no BN (it follows a LayerNorm, as in ConvNeXt); expected a"
                                + " model whose prunable groups are batch-normalized (CIFAR nets,"
                                + " ResNet, FasterNet): use l1 or uniform pruning instead");
            }
        }
    }
}
