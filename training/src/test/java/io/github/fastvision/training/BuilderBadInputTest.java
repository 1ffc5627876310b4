package io.github.fastvision.training;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.training.data.InMemoryDataset;
import io.github.fastvision.training.data.transform.Pipeline;
import io.github.fastvision.training.recipe.LrSchedule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The training library's builders name a missing required value and an out-of-range one. */
class BuilderBadInputTest {

    private static void assertMessage(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "'" + ex.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void inMemoryDatasetNamesTheMissingAndTheOutOfRangeValue() {
        assertMessage(
                () ->
                        InMemoryDataset.builder()
                                .setPixels(new byte[4])
                                .setImageShape(1, 2, 2)
                                .setClasses(List.of("a"))
                                .build(),
                "labels is required");
        assertMessage(
                () ->
                        InMemoryDataset.builder()
                                .setPixels(new byte[4])
                                .setLabels(new int[] {0})
                                .setImageShape(1, 0, 2)
                                .setClasses(List.of("a"))
                                .build(),
                "image shape",
                ">= 1",
                "1x0x2");
        assertMessage(
                () ->
                        InMemoryDataset.builder()
                                .setPixels(new byte[4])
                                .setLabels(new int[] {1})
                                .setImageShape(1, 2, 2)
                                .setClasses(List.of("a"))
                                .build(),
                "label 1",
                "outside [0, 1)");
    }

    @Test
    void lrScheduleNamesTheMissingAndTheOutOfRangeValue() {
        assertMessage(() -> LrSchedule.builder().setPeak(0.1).build(), "totalSteps is required");
        assertMessage(
                () -> LrSchedule.builder().setPeak(0.1).setTotalSteps(0).build(),
                "totalSteps must be >= 1",
                "was 0");
        assertMessage(
                () -> LrSchedule.builder().setPeak(0.1).setTotalSteps(10).optFloor(0.5).build(),
                "floor must be in [0, 0.1]",
                "0.5");
    }

    @Test
    void trainingPipelineNamesTheMissingAndTheOutOfRangeValue() {
        assertMessage(
                () -> Pipeline.trainingBuilder().setSize(32).build(),
                "channels is required",
                ">= 1");
        assertMessage(
                () ->
                        Pipeline.trainingBuilder()
                                .setSize(32)
                                .setChannels(1)
                                .optMinScale(1.5)
                                .build(),
                "crop scale",
                "1.5");
        assertMessage(
                () -> Pipeline.trainingBuilder().setSize(32).setChannels(1).optPadCrop(-1).build(),
                "padding must be >= 0",
                "-1");
    }
}
