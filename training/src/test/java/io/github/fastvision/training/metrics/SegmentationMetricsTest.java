package io.github.fastvision.training.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SegmentationMetricsTest {

    // Ten pixels; the last two labels (255, -1) are ignored.
    private static final int[] LABELS = {0, 0, 0, 1, 1, 2, 2, 2, 255, -1};
    private static final int[] PREDICTED = {0, 0, 1, 1, 2, 2, 2, 0, 1, 2};

    /*
     * Confusion [label][predicted] of the eight counted pixels:
     *            p0 p1 p2
     *   label 0   2  1  0
     *   label 1   0  1  1
     *   label 2   1  0  2
     * IoU0 = TP 2 / (TP 2 + FP 1 + FN 1) = 50 %
     * IoU1 = 1 / (1 + 1 + 1)             = 33.333 %
     * IoU2 = 2 / (2 + 1 + 1)             = 50 %
     * mean IoU = (50 + 33.333 + 50) / 3  = 44.444 %
     * pixel accuracy = (2 + 1 + 2) / 8   = 62.5 %
     */
    @Test
    void handComputedThreeClassCase() {
        SegmentationMetrics m = new SegmentationMetrics(3);
        m.update(PREDICTED, LABELS);
        assertArrayEquals(new long[] {2, 1, 0}, m.confusion()[0]);
        assertArrayEquals(new long[] {0, 1, 1}, m.confusion()[1]);
        assertArrayEquals(new long[] {1, 0, 2}, m.confusion()[2]);
        assertEquals(8, m.count());
        assertArrayEquals(new double[] {50, 100.0 / 3, 50}, m.classIoU(), 1e-9);
        assertEquals(400.0 / 9, m.meanIoU(), 1e-9);
        assertEquals(62.5, m.pixelAccuracy(), 1e-9);
    }

    @Test
    void absentClassesAreNaNAndLeftOutOfTheMean() {
        SegmentationMetrics m = new SegmentationMetrics(5);
        m.update(PREDICTED, LABELS);
        double[] iou = m.classIoU();
        assertTrue(Double.isNaN(iou[3]) && Double.isNaN(iou[4]), "classes 3 and 4 never appear");
        assertEquals(400.0 / 9, m.meanIoU(), 1e-9);
        // A class seen only in the predictions counts, with IoU 0:
        // label 0 predicted 3 adds a FN to class 0 (IoU0 = 2/5 = 40) and a FP to class 3 (IoU3 =
        // 0).
        m.update(new int[] {3}, new int[] {0});
        assertEquals(40, m.classIoU()[0], 1e-9);
        assertEquals(0, m.classIoU()[3], 1e-9);
        assertEquals((40 + 100.0 / 3 + 50 + 0) / 4, m.meanIoU(), 1e-9);
        assertEquals(500.0 / 9, m.pixelAccuracy(), 1e-9);
    }

    @Test
    void emptyAccumulatorAndResetGiveNaN() {
        SegmentationMetrics m = new SegmentationMetrics(3);
        assertTrue(Double.isNaN(m.meanIoU()));
        assertTrue(Double.isNaN(m.pixelAccuracy()));
        m.update(new int[] {1, 2}, new int[] {255, 255});
        assertEquals(0, m.count(), "ignored labels count nothing");
        m.update(PREDICTED, LABELS);
        m.reset();
        assertEquals(0, m.count());
        assertTrue(Double.isNaN(m.meanIoU()));
    }

    @Test
    void tensorsOfAnyIntegerTypeAndMerge() {
        SegmentationMetrics fromTensors = new SegmentationMetrics(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            long[] labels = new long[LABELS.length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = LABELS[i];
            }
            NDArray l = manager.create(labels, new Shape(2, 5));
            NDArray p = manager.create(PREDICTED, new Shape(2, 5)).toType(DataType.UINT8, false);
            fromTensors.update(p, l);
            IllegalArgumentException shape =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> fromTensors.update(p.reshape(10), l));
            assertTrue(
                    shape.getMessage().contains("(10)") && shape.getMessage().contains("(2, 5)"),
                    shape.getMessage());
            IllegalArgumentException type =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> fromTensors.update(p.toType(DataType.FLOAT32, false), l));
            assertTrue(type.getMessage().contains("integer"), type.getMessage());
        }
        assertEquals(400.0 / 9, fromTensors.meanIoU(), 1e-9);

        // The same pixels in two halves, merged.
        SegmentationMetrics a = new SegmentationMetrics(3);
        SegmentationMetrics b = new SegmentationMetrics(3);
        a.update(Arrays.copyOfRange(PREDICTED, 0, 4), Arrays.copyOfRange(LABELS, 0, 4));
        b.update(Arrays.copyOfRange(PREDICTED, 4, 10), Arrays.copyOfRange(LABELS, 4, 10));
        a.merge(b);
        for (int t = 0; t < 3; t++) {
            assertArrayEquals(fromTensors.confusion()[t], a.confusion()[t]);
        }
        assertEquals(62.5, a.pixelAccuracy(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> a.merge(new SegmentationMetrics(4)));
    }

    @Test
    void badInputsAreRejected() {
        SegmentationMetrics m = new SegmentationMetrics(3);
        IllegalArgumentException length =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> m.update(new int[] {0, 1}, new int[] {0}));
        assertTrue(length.getMessage().contains("2 and 1"), length.getMessage());
        IllegalArgumentException range =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> m.update(new int[] {0, 3}, new int[] {0, 0}));
        assertTrue(
                range.getMessage().contains("3") && range.getMessage().contains("[0, 3)"),
                range.getMessage());
        assertEquals(0, m.count(), "a rejected update counts nothing");
        assertThrows(IllegalArgumentException.class, () -> new SegmentationMetrics(0));
    }
}
