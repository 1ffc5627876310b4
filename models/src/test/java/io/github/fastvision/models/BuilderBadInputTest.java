package io.github.fastvision.models;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import io.github.fastvision.models.anytime.AnytimeVariant;
import io.github.fastvision.models.heads.RedesignedExitHead;
import io.github.fastvision.models.inference.ClassPredictor;
import io.github.fastvision.models.inference.Embedder;
import io.github.fastvision.models.inference.ImageDecoder;
import io.github.fastvision.models.vit.PatchEmbed;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The models' builders name a missing required value and an out-of-range one. */
class BuilderBadInputTest {

    private static final ModelOptions OPTIONS =
            ModelOptions.builder().setNumClasses(5).optInputSize(32).optInChannels(1).build();

    private static void assertMessage(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "'" + ex.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    void visionModelNamesTheMissingPartAndMismatchedStages() {
        Block stage = new SequentialBlock();
        assertMessage(
                () ->
                        VisionModel.builder()
                                .setName("m")
                                .setOptions(OPTIONS)
                                .setStages(List.of(stage), List.of(new StageInfo(0, 4, 2)))
                                .setHead(ClassifierHead.linear(4, 5))
                                .build(),
                "stem is required");
        assertMessage(
                () ->
                        VisionModel.builder()
                                .setName("m")
                                .setOptions(OPTIONS)
                                .setStem(new SequentialBlock())
                                .setStages(List.of(stage), List.of())
                                .setHead(ClassifierHead.linear(4, 5))
                                .build(),
                "1 stages but 0 stage descriptions");
    }

    @Test
    void patchEmbedNamesTheMissingAndTheOutOfRangeValue() {
        assertMessage(
                () -> PatchEmbed.builder().setInChannels(3).setPatch(4).setImageSize(32).build(),
                "dim is required");
        assertMessage(() -> PatchEmbed.builder().optStride(0), "stride must be >= 1", "was 0");
        assertMessage(
                () ->
                        PatchEmbed.builder()
                                .setInChannels(3)
                                .setDim(8)
                                .setPatch(-2)
                                .setImageSize(32)
                                .build(),
                "patch is required and must be positive",
                "-2");
    }

    @Test
    void redesignedExitHeadNamesTheMissingAndTheOutOfRangeValue() {
        assertMessage(
                () -> RedesignedExitHead.builder().setBranchChannels(4).setNumClasses(5).build(),
                "depth is required");
        assertMessage(
                () ->
                        RedesignedExitHead.builder()
                                .setBranchChannels(4)
                                .setNumClasses(5)
                                .setDepth(2)
                                .setWidth(0)
                                .build(),
                "exit width must be >= 1",
                "was 0");
        assertMessage(
                () -> RedesignedExitHead.builder().setNumClasses(5).setDepth(1).setWidth(8).build(),
                "branchChannels is required");
    }

    @Test
    void anytimeSegmenterNamesTheMissingAndTheOutOfRangeValue() {
        assertMessage(
                () ->
                        AnytimeSegmenter.builder()
                                .setBase("test_hrnet_seg")
                                .setOptions(OPTIONS)
                                .build(),
                "variant",
                "is required");
        assertMessage(
                () ->
                        AnytimeSegmenter.builder()
                                .setBase("test_hrnet_seg")
                                .setOptions(OPTIONS)
                                .setVariant(AnytimeVariant.ADP_C)
                                .optThreshold(1.5f)
                                .build(),
                "threshold",
                "(0, 1]",
                "1.5");
        assertMessage(
                () ->
                        AnytimeSegmenter.builder()
                                .setBase("test_hrnet_seg")
                                .setOptions(OPTIONS)
                                .setVariant(AnytimeVariant.ADP_C)
                                .optRadius(0)
                                .build(),
                "radius must be >= 1",
                "was 0");
    }

    @Test
    void predictorAndEmbedderNameTheMissingModelAndOutOfRangeValues() {
        assertMessage(() -> ClassPredictor.builder().build(), "model is required");
        assertMessage(() -> Embedder.builder().build(), "model is required");
        assertMessage(
                () -> ClassPredictor.builder().setModel("test_fasternet").optTopK(0).build(),
                "topK must be >= 1",
                "was 0");
        assertMessage(
                () -> Embedder.builder().setModel("test_fasternet").optInputSize(-1).build(),
                "inputSize must be >= 1",
                "was -1");
        assertMessage(
                () -> ClassPredictor.builder().setModel("test_fasternet").optInputSize(16).build(),
                "inputSize 16 is too small",
                "needs at least 32");
        assertMessage(() -> new ImageDecoder(0), "maxPixels must be >= 1", "was 0");
    }
}
