package io.github.fastvision.pruning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.models.ChannelGroup;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The channel importance scores the structured methods rank by: |γ| of the BN scale after a group
 * (Network Slimming) and the L1 norm of each output filter (Li et al.), and their one ranking order
 * (largest first, ties to the lower index).
 */
public final class ChannelScores {

    private ChannelScores() {}

    /**
     * Returns |γ| of a group's BN scale.
     *
     * @param group a group with a BN scale
     * @return one score per channel
     */
    public static double[] bnScale(ChannelGroup group) {
        float[] gamma = group.scale().getArray().toType(DataType.FLOAT32, false).toFloatArray();
        double[] s = new double[gamma.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = Math.abs(gamma[c]);
        }
        return s;
    }

    /**
     * Sums |w| over every axis but the first (one value per output filter).
     *
     * @param weight (out, in, k, k) or (out, …)
     * @return one norm per filter
     */
    public static double[] filterL1(NDArray weight) {
        float[] v = weight.toType(DataType.FLOAT32, false).toFloatArray();
        int out = (int) weight.getShape().get(0);
        int per = v.length / out;
        double[] norms = new double[out];
        for (int f = 0; f < out; f++) {
            double s = 0;
            for (int k = 0; k < per; k++) {
                s += Math.abs(v[f * per + k]);
            }
            norms[f] = s;
        }
        return norms;
    }

    /**
     * Returns a group's best available score: |γ|, else its filters' L1 norms, else zeros (so that
     * ranking falls back to the lowest indices).
     *
     * @param group the group
     * @return one score per channel
     */
    public static double[] of(ChannelGroup group) {
        if (group.scale() != null) {
            return bnScale(group);
        }
        if (group.filters() != null) {
            return filterL1(group.filters().getArray());
        }
        return new double[group.width()];
    }

    /**
     * Returns every channel index, the largest score first and ties to the lower index.
     *
     * @param scores one score per channel
     * @return the indices in rank order
     */
    public static int[] ranked(double[] scores) {
        return IntStream.range(0, scores.length)
                .boxed()
                .sorted(
                        Comparator.<Integer>comparingDouble(i -> -scores[i])
                                .thenComparingInt(i -> i))
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
