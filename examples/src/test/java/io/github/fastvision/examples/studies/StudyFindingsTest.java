package io.github.fastvision.examples.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.core.layers.ChildBlocks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The studies state each paper claim from the numbers, in both directions. */
class StudyFindingsTest {

    private static Map<String, Double> bottleneck(double max, double dw, double avg, double conv) {
        Map<String, Double> acc = new LinkedHashMap<>();
        for (double r : SingleBottleneckStudy.RATIOS) {
            acc.put("max_pool3x3@" + r, max);
            acc.put("dwconv3x3@" + r, dw);
            acc.put("avg_pool3x3@" + r, avg);
            acc.put("conv3x3@" + r, conv);
        }
        return acc;
    }

    @Test
    void singleBottleneckFindingsFollowTheNumbers() {
        List<String> held = SingleBottleneckStudy.findings(bottleneck(0.80, 0.78, 0.70, 0.81));
        assertTrue(
                held.get(0).startsWith("max-pool >= depthwise conv")
                        && held.get(0).contains(": holds here, at 4 of 4"),
                held.get(0));
        assertTrue(
                held.get(1).contains(": holds here, max-pool ahead at 4 of 4")
                        && held.get(1).contains("+10.00 points"),
                held.get(1));
        assertTrue(held.get(2).contains("+1.00 points"), held.get(2));
        List<String> failed = SingleBottleneckStudy.findings(bottleneck(0.70, 0.78, 0.75, 0.81));
        assertTrue(failed.get(0).contains("does not hold here, at 0 of 4"), failed.get(0));
        assertTrue(failed.get(1).contains("does not hold here"), failed.get(1));
    }

    private static Map<String, Object> row(double acc, double latency) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test_accuracy", acc);
        m.put("latency_ms_224", latency);
        return m;
    }

    @Test
    void pconvRatioFindingsFollowTheNumbers() {
        List<String> a =
                PConvRatioStudy.findings(List.of(row(0.85, 13), row(0.88, 10.8), row(0.87, 11)));
        assertTrue(a.get(0).contains("r = 1/4 is the most accurate"), a.get(0));
        assertTrue(a.get(1).contains("fastest here: r = 1/4"), a.get(1));
        List<String> b =
                PConvRatioStudy.findings(List.of(row(0.89, 13), row(0.88, 10.8), row(0.87, 9)));
        assertTrue(b.get(0).contains("ahead of 1/8 but behind 1/2"), b.get(0));
        assertTrue(b.get(1).contains("fastest here: r = 1/8"), b.get(1));
    }

    @Test
    void singleBottleneckNetHasTheHandCountedParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            // width 32, ratio 0.5 → 16 inner channels, max-pool (no weights), 10 classes:
            // stem 1·32·9 + BN 2·32, conv1 32·16 + BN 2·16, conv3 16·32 + BN 2·32, fc 32·10 + 10
            SingleBottleneckNet net =
                    SingleBottleneckNet.builder()
                            .setInChannels(1)
                            .setWidth(32)
                            .setRatio(0.5)
                            .setSpatialOp(SpatialOp.MAX_POOL)
                            .setClasses(10)
                            .build();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            assertEquals(16, net.innerChannels());
            assertEquals(
                    288 + 64 + 512 + 32 + 512 + 64 + 330, ChildBlocks.trainableParameters(net));
            assertEquals(
                    new Shape(2, 10),
                    net.getOutputShapes(new Shape[] {new Shape(2, 1, 28, 28)})[0]);
        }
    }
}
