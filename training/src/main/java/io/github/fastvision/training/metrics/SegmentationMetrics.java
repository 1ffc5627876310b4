package io.github.fastvision.training.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Accumulates a confusion matrix over the pixels of semantic segmentation maps and reports
 * per-class IoU, mean IoU and pixel accuracy. Row = ground-truth class, column = predicted class.
 * Ground-truth labels outside {@code [0, numClasses)} (such as 255 or -1) are ignored, as PyTorch's
 * {@code ignore_index}; a predicted class outside that range is an error.
 */
public final class SegmentationMetrics {

    private final int numClasses;
    private final long[][] confusion;

    /**
     * Creates an empty accumulator.
     *
     * @param numClasses number of classes, at least 1
     */
    public SegmentationMetrics(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException(
                    "numClasses must be at least 1 but was " + numClasses);
        }
        this.numClasses = numClasses;
        this.confusion = new long[numClasses][numClasses];
    }

    /**
     * Returns the number of classes.
     *
     * @return the class count
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Adds one or more maps of predicted and true classes, flattened in the same order.
     *
     * @param predicted predicted classes, each in [0, numClasses)
     * @param labels true classes; values outside [0, numClasses) are ignored
     */
    public void update(int[] predicted, int[] labels) {
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException(
                    "predicted and labels must have the same length but have "
                            + predicted.length
                            + " and "
                            + labels.length);
        }
        for (int i = 0; i < predicted.length; i++) {
            int p = predicted[i];
            if (p < 0 || p >= numClasses) {
                throw new IllegalArgumentException(
                        "predicted class "
                                + p
                                + " at position "
                                + i
                                + " is outside [0, "
                                + numClasses
                                + ")");
            }
        }
        for (int i = 0; i < predicted.length; i++) {
            int t = labels[i];
            if (t >= 0 && t < numClasses) {
                confusion[t][predicted[i]]++;
            }
        }
    }

    /**
     * Adds maps held as integer tensors of any integer type and the same shape, for example
     * predicted (N, H, W) from {@code logits.argMax(1)} and int64 labels (N, H, W).
     *
     * @param predicted predicted classes, each in [0, numClasses)
     * @param labels true classes; values outside [0, numClasses) are ignored
     */
    public void update(NDArray predicted, NDArray labels) {
        if (!predicted.getShape().equals(labels.getShape())) {
            throw new IllegalArgumentException(
                    "predicted and labels must have the same shape but have "
                            + predicted.getShape()
                            + " and "
                            + labels.getShape());
        }
        update(toInts(predicted, "predicted"), toInts(labels, "labels"));
    }

    /**
     * Adds the counts of another accumulator over the same classes.
     *
     * @param other another accumulator, for example one thread's share of an evaluation
     */
    public void merge(SegmentationMetrics other) {
        if (other.numClasses != numClasses) {
            throw new IllegalArgumentException(
                    "cannot merge metrics over "
                            + other.numClasses
                            + " classes into metrics over "
                            + numClasses);
        }
        for (int t = 0; t < numClasses; t++) {
            for (int p = 0; p < numClasses; p++) {
                confusion[t][p] += other.confusion[t][p];
            }
        }
    }

    /** Forgets every count. */
    public void reset() {
        for (long[] row : confusion) {
            Arrays.fill(row, 0);
        }
    }

    /**
     * Returns the number of pixels counted (those with a label in range).
     *
     * @return the pixel count
     */
    public long count() {
        long n = 0;
        for (long[] row : confusion) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    /**
     * Returns the per-class intersection over union {@code TP / (TP + FP + FN)} in percent, NaN for
     * a class that appears neither in the labels nor in the predictions.
     *
     * @return numClasses values in [0, 100] or NaN
     */
    public double[] classIoU() {
        double[] iou = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            long tp = confusion[c][c];
            long fn = 0;
            long fp = 0;
            for (int o = 0; o < numClasses; o++) {
                if (o != c) {
                    fn += confusion[c][o];
                    fp += confusion[o][c];
                }
            }
            long union = tp + fp + fn;
            iou[c] = union == 0 ? Double.NaN : 100.0 * tp / union;
        }
        return iou;
    }

    /**
     * Returns the mean of {@link #classIoU()} over the classes present in labels or predictions, in
     * percent; NaN before any pixel was counted.
     *
     * @return mean IoU in [0, 100] or NaN
     */
    public double meanIoU() {
        double sum = 0;
        int n = 0;
        for (double v : classIoU()) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * Returns the share of counted pixels whose prediction equals the label, in percent; NaN before
     * any pixel was counted.
     *
     * @return pixel accuracy in [0, 100] or NaN
     */
    public double pixelAccuracy() {
        long correct = 0;
        for (int c = 0; c < numClasses; c++) {
            correct += confusion[c][c];
        }
        long total = count();
        return total == 0 ? Double.NaN : 100.0 * correct / total;
    }

    /**
     * Returns a copy of the confusion matrix: {@code [label][predicted]} pixel counts.
     *
     * @return numClasses × numClasses counts
     */
    public long[][] confusion() {
        long[][] copy = new long[numClasses][];
        for (int t = 0; t < numClasses; t++) {
            copy[t] = confusion[t].clone();
        }
        return copy;
    }

    private static int[] toInts(NDArray array, String what) {
        DataType type = array.getDataType();
        if (!type.isInteger()) {
            throw new IllegalArgumentException(
                    what + " must have an integer data type but is " + type);
        }
        if (type == DataType.INT32) {
            return array.toIntArray();
        }
        if (type == DataType.INT64) {
            long[] values = array.toLongArray();
            int[] out = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                long v = values[i];
                // Saturate: a value beyond int range is out of class range either way.
                out[i] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
            }
            return out;
        }
        try (NDArray ints = array.toType(DataType.INT32, true)) {
            return ints.toIntArray();
        }
    }
}
