package io.github.fastvision.training.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecipeTest {

    @Test
    void paperTablesAreData() {
        Recipe t0 = Recipes.get("fasternet_t0");
        assertEquals(OptimizerKind.ADAMW, t0.optimizer());
        assertEquals(0.004, t0.lr());
        assertEquals(4096, t0.referenceBatch());
        assertEquals(0.005, t0.weightDecay());
        assertEquals(300, t0.epochs());
        // fasternet §4.3: peak lr = 0.001 · batch / 1024
        assertEquals(0.001 * 256 / 1024, t0.lrFor(256), 1e-12);
        assertEquals(0.3f, Recipes.get("fasternet_l").dropPath());
        assertEquals(0.9999, Recipes.get("convnext_t").emaDecay());
        assertEquals(OptimizerKind.SGD_NESTEROV, Recipes.get("pflayer_90ep").optimizer());
        assertEquals(1e-5, Recipes.get("rexnet").weightDecay());
        // warm-up keeps its share of training: 20 of 300 epochs → 2 of 30
        assertEquals(2.0, t0.warmupFor(30), 1e-12);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Recipes.get("adam"));
        assertTrue(e.getMessage().contains("fasternet_t0"), e.getMessage());
    }

    @Test
    void warmupThenCosineAndStep() {
        LrSchedule s =
                LrSchedule.builder()
                        .setPeak(1.0)
                        .optWarmupSteps(10)
                        .setTotalSteps(110)
                        .optKind(ScheduleKind.COSINE)
                        .optFloor(0.0)
                        .build();
        assertEquals(0.1, s.at(0), 1e-12);
        assertEquals(1.0, s.at(9), 1e-12);
        assertEquals(1.0, s.at(10), 1e-12);
        assertEquals(0.5, s.at(60), 1e-12);
        assertEquals(0.0, s.at(110), 1e-12);
        LrSchedule step =
                LrSchedule.builder()
                        .setPeak(1.0)
                        .optWarmupSteps(0)
                        .setTotalSteps(90)
                        .optKind(ScheduleKind.STEP)
                        .optFloor(0.0)
                        .build();
        assertEquals(1.0, step.at(29), 1e-12);
        assertEquals(0.1, step.at(30), 1e-12);
        assertEquals(0.01, step.at(89), 1e-12);
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        LrSchedule.builder()
                                .setPeak(0)
                                .optWarmupSteps(1)
                                .setTotalSteps(10)
                                .optKind(ScheduleKind.COSINE)
                                .optFloor(0)
                                .build());
    }
}
