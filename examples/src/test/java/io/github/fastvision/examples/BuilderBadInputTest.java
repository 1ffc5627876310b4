package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.examples.anytime.AnytimeFigure;
import io.github.fastvision.examples.data.FashionMnistMosaic;
import io.github.fastvision.examples.studies.StudySettings;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.InMemoryDataset;
import io.github.fastvision.training.recipe.Recipes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** The examples' builders name a missing required value and an out-of-range one. */
class BuilderBadInputTest {

    private static final InMemoryDataset ITEMS =
            InMemoryDataset.builder()
                    .setPixels(new byte[2 * 28 * 28])
                    .setLabels(new int[] {0, 1})
                    .setImageShape(1, 28, 28)
                    .setClasses(List.of("a", "b"))
                    .build();

    private static void assertMessage(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "'" + ex.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void mosaicBuilderNamesTheMissingAndTheOutOfRangeValue() {
        assertMessage(
                () -> FashionMnistMosaic.builder().setSource(ITEMS).setCount(2).setSeed(1).build(),
                "canvas is required");
        assertMessage(
                () ->
                        FashionMnistMosaic.builder()
                                .setCanvas(64)
                                .setSeed(1)
                                .buildSplit(new DatasetSplit(ITEMS, ITEMS), 0, 1),
                "mosaic count must be at least 1",
                "was 0");
        assertMessage(
                () ->
                        FashionMnistMosaic.builder()
                                .setSource(ITEMS)
                                .setCount(2)
                                .setCanvas(64)
                                .setSeed(1)
                                .optItemScale(9)
                                .build(),
                "item scale",
                "[1, 8]",
                "9");
    }

    @Test
    void figureBuilderNamesTheMissingAndTheOutOfRangeValue(@TempDir Path dir) {
        Path png = dir.resolve("f.png");
        List<int[]> p = List.of(new int[4]);
        List<float[]> c = List.of(new float[4]);
        List<boolean[]> m = List.of(new boolean[4]);
        assertMessage(
                () ->
                        AnytimeFigure.builder()
                                .setImage(new float[4], 2)
                                .setGroundTruth(new int[4])
                                .setPredictions(p)
                                .setComputed(m)
                                .setClassNames(List.of("a", "background"))
                                .write(png),
                "confidence is required");
        assertMessage(
                () ->
                        AnytimeFigure.builder()
                                .setImage(new float[4], 2)
                                .setGroundTruth(new int[4])
                                .setPredictions(p)
                                .setConfidence(c)
                                .setComputed(m)
                                .setClassNames(List.of("a", "background"))
                                .optScale(0)
                                .write(png),
                "scale must be at least 1",
                "0");
        assertTrue(Files.notExists(png));
    }

    @Test
    void studySettingsNameTheMissingAndTheOutOfRangeValue() {
        DatasetSplit data = new DatasetSplit(ITEMS, ITEMS);
        assertMessage(
                () -> StudySettings.builder().setData(data).setEpochs(1).setBatch(2).build(),
                "recipe is required");
        assertMessage(
                () ->
                        StudySettings.builder()
                                .setData(data)
                                .setRecipe(Recipes.get(Recipes.SMALL))
                                .setEpochs(1)
                                .setBatch(0)
                                .build(),
                "batch is required and must be >= 1",
                "was 0");
        assertMessage(() -> StudySettings.builder().optImageSize(0), "imageSize must be >= 1");
    }
}
