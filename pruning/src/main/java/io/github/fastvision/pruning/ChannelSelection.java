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
