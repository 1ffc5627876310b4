package io.github.fastvision.models.inference;

import io.github.fastvision.models.runtime.ClassNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Softmax and the top-K classes of logits: what every classifying door reports. */
public final class TopK {

    private TopK() {}

    /**
     * Turns rows of logits into predictions, in place (each row becomes its probabilities).
     *
     * @param logits one row per image
     * @param names one name per class
     * @param k classes per prediction, at most the class count
     * @return one prediction per row
     */
    public static List<Prediction> of(float[][] logits, ClassNames names, int k) {
        List<Prediction> out = new ArrayList<>(logits.length);
        for (float[] row : logits) {
            softmax(row);
            Integer[] order = new Integer[row.length];
            Arrays.setAll(order, i -> i);
            // Stable: equal probabilities keep index order, as argmax does.
            Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -row[i]));
            int top = Math.min(k, row.length);
            List<ClassScore> scores = new ArrayList<>(top);
            for (int j = 0; j < top; j++) {
                scores.add(new ClassScore(order[j], names.get(order[j]), row[order[j]]));
            }
            out.add(new Prediction(scores));
        }
        return out;
    }

    /**
     * Replaces logits by their softmax probabilities.
     *
     * @param row one image's logits
     */
    public static void softmax(float[] row) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < row.length; i++) {
            double e = Math.exp(row[i] - max);
            row[i] = (float) e;
            sum += e;
        }
        for (int i = 0; i < row.length; i++) {
            row[i] = (float) (row[i] / sum);
        }
    }
}
