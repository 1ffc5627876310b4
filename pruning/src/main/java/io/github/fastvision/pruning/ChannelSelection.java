package io.github.fastvision.pruning;

import io.github.fastvision.models.ChannelGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a structured method keeps: for every channel group of a model, the sorted indices of the
 * channels that stay. Groups that are not prunable keep every channel.
 */
public final class ChannelSelection {

    private final List<int[]> kept;

    private ChannelSelection(List<int[]> kept) {
        this.kept = kept;
    }

    /**
     * Creates a selection and checks it against the groups.
     *
     * @param groups the model's groups
     * @param kept per group, the indices to keep (any order; sorted here)
     * @return the selection
     * @throws IllegalArgumentException when a group would lose every channel, an index is out of
     *     range, or a group that is not prunable would lose channels
     */
    public static ChannelSelection of(List<ChannelGroup> groups, List<int[]> kept) {
        if (groups.size() != kept.size()) {
            throw new IllegalArgumentException(
                    "a selection needs one index set per group: "
                            + groups.size()
                            + " groups but "
                            + kept.size()
                            + " sets");
        }
        List<int[]> sorted = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            ChannelGroup g = groups.get(i);
            int[] k = kept.get(i).clone();
            Arrays.sort(k);
            if (k.length == 0) {
                throw new IllegalArgumentException(
                        "the pruning would remove every channel of "
                                + g.name()
                                + " ("
                                + g.width()
                                + " channels); expected at least 1 kept: use a smaller ratio");
            }
            for (int j = 0; j < k.length; j++) {
                if (k[j] < 0 || k[j] >= g.width() || (j > 0 && k[j] == k[j - 1])) {
                    throw new IllegalArgumentException(
                            g.name()
                                    + ": kept channel indices must be distinct and in [0, "
                                    + g.width()
                                    + ") but got "
                                    + Arrays.toString(k));
                }
            }
            if (!g.prunable() && k.length != g.width()) {
                throw new IllegalArgumentException(
                        g.name()
                                + " is shared across residual connections and keeps all "
                                + g.width()
                                + " channels, but "
                                + k.length
                                + " were selected");
            }
            sorted.add(k);
        }
        return new ChannelSelection(List.copyOf(sorted));
    }

    /**
     * Keeps every channel.
     *
     * @param groups the model's groups
     * @return the identity selection
     */
    public static ChannelSelection all(List<ChannelGroup> groups) {
        List<int[]> kept = new ArrayList<>();
        for (ChannelGroup g : groups) {
            kept.add(range(g.width()));
        }
        return of(groups, kept);
    }

    /**
     * Returns 0 … n−1.
     *
     * @param n the count
     * @return the indices
     */
    public static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /**
     * Returns the kept indices of a group.
     *
     * @param group the group's position
     * @return a copy of the sorted indices
     */
    public int[] kept(int group) {
        return kept.get(group).clone();
    }

    /**
     * Returns the number of groups.
     *
     * @return the count
     */
    public int size() {
        return kept.size();
    }

    /**
     * Rounds every pruned group's width up to a multiple of {@code multiple} (never above the
     * group's width), putting back the removed channels that score highest: |γ| of the group's BN
     * scale, else the L1 norm of its filters, else the lowest indices. Channels the selection kept
     * stay kept. Inference engines compute channels in blocks (ONNX Runtime's NCHWc layout and
     * oneDNN use 8 or 16): a layer of 27 channels costs about what one of 32 does, so rounding
     * keeps a little more of the model at almost no cost in latency.
     *
     * @param groups the model's groups, the ones this selection was made for
     * @param multiple the width multiple, >= 1 (1 returns this selection)
     * @return the rounded selection
     * @throws IllegalArgumentException when {@code multiple} is below 1 or the groups do not match
     */
    public ChannelSelection roundedUp(List<ChannelGroup> groups, int multiple) {
        if (multiple < 1) {
            throw new IllegalArgumentException(
                    "the width multiple must be >= 1 but was " + multiple);
        }
        if (groups.size() != kept.size()) {
            throw new IllegalArgumentException(
                    "the selection has " + kept.size() + " groups but " + groups.size() + " given");
        }
        if (multiple == 1) {
            return this;
        }
        List<int[]> rounded = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            ChannelGroup g = groups.get(i);
            int[] k = kept.get(i);
            int target = Math.min(g.width(), (k.length + multiple - 1) / multiple * multiple);
            if (target == k.length) {
                rounded.add(k);
                continue;
            }
            boolean[] in = new boolean[g.width()];
            for (int c : k) {
                in[c] = true;
            }
            int[] r = Arrays.copyOf(k, target);
            int n = k.length;
            for (int c : ChannelScores.ranked(ChannelScores.of(g))) {
                if (n == target) {
                    break;
                }
                if (!in[c]) {
                    r[n++] = c;
                }
            }
            rounded.add(r);
        }
        return of(groups, rounded);
    }

    /**
     * Returns the widths after pruning.
     *
     * @return one width per group
     */
    public int[] widths() {
        int[] w = new int[kept.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = kept.get(i).length;
        }
        return w;
    }
}
