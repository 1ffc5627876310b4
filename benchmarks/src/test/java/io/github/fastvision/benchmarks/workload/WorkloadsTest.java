package io.github.fastvision.benchmarks.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkloadsTest {

    @Test
    void stackFlopsFollowFasterNetTable1() {
        // Ten 3x3 convolutions at 96x56x56: 10 · 96 · 96 · 9 · 56².
        long conv = Workloads.stackMacs("conv3x3", "96x56x56");
        assertEquals(10L * 96 * 96 * 9 * 56 * 56, conv);
        // PConv with r = 1/4 costs 1/16 of the convolution, GConv with 16 groups 1/16, DWConv 1/c.
        assertEquals(conv / 16, Workloads.stackMacs("pconv3x3_r4", "96x56x56"));
        assertEquals(conv / 16, Workloads.stackMacs("gconv3x3_g16", "96x56x56"));
        assertEquals(conv / 96, Workloads.stackMacs("dwconv3x3", "96x56x56"));
    }

    @Test
    void modelFlopsComeFromTheZooOrTheBaselines() {
        assertEquals(
                Workloads.modelMacs("resnet50"),
                Workloads.modelMacs("djl_resnetv1_50"),
                1_000_000L);
        assertTrue(Workloads.modelMacs("djl_mobilenetv2") > 290_000_000L);
        assertTrue(Workloads.modelMacs("fasternet_t0") < 400_000_000L);
    }

    @Test
    void unknownNamesAreClearErrors() {
        IllegalArgumentException op =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Workloads.operatorStack("conv5x5", 8, null));
        assertTrue(op.getMessage().contains("expected one of [conv3x3"), op.getMessage());
    }
}
