package io.github.fastvision.onnx.export;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.core.pconv.PartialConv2d;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import io.github.fastvision.models.anytime.AnytimeVariant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Models ONNX cannot express are refused with a message that says which and why. */
class RefusedExportTest {

    static Stream<String> denseModels() {
        return ModelRegistry.allWithTestVariants().stream()
                .filter(i -> i.kind() == ModelInfo.Kind.SEGMENTATION && i.isTestVariant())
                .map(ModelInfo::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("denseModels")
    void segmentationModelsAreRefused(String name) {
        Backbone model =
                ModelRegistry.model(
                        name, ModelOptions.builder().setNumClasses(4).optInputSize(32).build());
        UnsupportedExportException e =
                assertThrows(
                        UnsupportedExportException.class,
                        () -> OnnxExporter.builder().setModel(model).build());
        assertTrue(
                e.getMessage().startsWith(name + " is a dense-prediction model"), e.getMessage());
    }

    @Test
    void anytimeSegmentersAreRefused() {
        AnytimeSegmenter model =
                AnytimeSegmenter.create(
                        "test_hrnet_seg",
                        ModelOptions.builder().setNumClasses(4).optInputSize(32).build(),
                        AnytimeVariant.values()[AnytimeVariant.values().length - 1]);
        UnsupportedExportException e =
                assertThrows(
                        UnsupportedExportException.class,
                        () -> OnnxExporter.builder().setModel(model).build());
        assertTrue(e.getMessage().startsWith("an anytime segmenter"), e.getMessage());
        assertTrue(e.getMessage().contains("no static ONNX graph"), e.getMessage());
    }

    @Test
    void anUnknownBlockTypeNamesTheTypeAndItsPath() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model =
                    ModelRegistry.create(
                            "test_fasternet",
                            ModelOptions.builder().setNumClasses(4).optInputSize(32).build());
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            ConverterRegistry withoutPConv = ConverterRegistry.defaults();
            withoutPConv.remove(PartialConv2d.class);
            UnsupportedExportException e =
                    assertThrows(
                            UnsupportedExportException.class,
                            () ->
                                    OnnxExporter.builder()
                                            .setModel(model)
                                            .optRegistry(withoutPConv)
                                            .build()
                                            .toBytes());
            assertTrue(
                    e.getMessage()
                            .contains(
                                    "no ONNX converter for block type "
                                            + PartialConv2d.class.getName()
                                            + " at test_fasternet/"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("spatial_mixing"), e.getMessage());
        }
    }
}
