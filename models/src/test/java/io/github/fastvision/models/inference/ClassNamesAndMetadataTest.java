package io.github.fastvision.models.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.models.runtime.ClassNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class names and the weights-file metadata a predictor reads them (and its preprocessing) from.
 */
class ClassNamesAndMetadataTest {

    @TempDir Path dir;

    private static final ModelOptions OPTIONS =
            ModelOptions.builder().setNumClasses(3).optInputSize(32).optInChannels(1).build();

    @Test
    void imagenetNamesAreTorchvisionsThousand() {
        ClassNames names = ClassNames.imagenet();
        assertEquals(1000, names.size());
        assertEquals("tench", names.get(0));
        assertEquals("toilet tissue", names.get(999));
        assertEquals("tench", ClassNames.forClasses(1000).get(0));
        assertEquals("class_2", ClassNames.forClasses(3).get(2));
    }

    @Test
    void labelsFilesHoldOneNamePerLine() throws IOException {
        Path file = dir.resolve("labels.txt");
        Files.writeString(file, "cat\ndog\n\n");
        assertEquals(List.of("cat", "dog"), ClassNames.read(file).asList());
        Files.writeString(file, "\n");
        assertThrows(IllegalArgumentException.class, () -> ClassNames.read(file));
    }

    private Path save(Map<String, String> metadata) throws IOException {
        Path file = dir.resolve("test_fasternet.fvw");
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = ModelRegistry.create("test_fasternet", OPTIONS);
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            WeightsFile.save(model, file, metadata);
        }
        return file;
    }

    @Test
    void metadataRoundTripsAndDrivesThePredictor() throws IOException {
        Preprocessing p =
                new Preprocessing(
                        1f, Image.Interpolation.BILINEAR, new float[] {0.3f}, new float[] {0.4f});
        Path file =
                save(
                        Map.of(
                                WeightsFile.CLASS_NAMES, "a\nb\nc",
                                WeightsFile.INPUT_SIZE, "40",
                                WeightsFile.PREPROCESSING, p.toJson()));
        WeightsFile.Header h = WeightsFile.header(file);
        assertEquals(List.of("a", "b", "c"), h.classNames().orElseThrow());
        assertEquals(40, h.inputSize().orElseThrow());
        try (ClassPredictor predictor =
                ClassPredictor.builder().setModel("test_fasternet").optWeights(file).build()) {
            assertEquals(List.of("a", "b", "c"), predictor.classNames().asList());
            assertEquals(40, predictor.preprocessor().size());
            assertEquals(1, predictor.preprocessor().channels());
            assertEquals(p, predictor.preprocessor().preprocessing());
            DecodedImage gray = new DecodedImage(1, 28, 28, new byte[28 * 28]);
            Prediction top = predictor.predict(List.of(gray)).get(0);
            assertEquals(3, top.top().size());
            assertTrue(List.of("a", "b", "c").contains(top.best().name()));
        }
    }

    @Test
    void filesWithoutMetadataStillLoad() throws IOException {
        Path file = save(Map.of());
        // An FVW3 file without metadata is an FVW2 file plus a zero entry count after the stem
        // stride: rewrite it as the FVW2 file an older build wrote.
        byte[] v3 = Files.readAllBytes(file);
        int nameLength = ((v3[4] & 0xff) << 8) | (v3[5] & 0xff);
        int countAt = 4 + 2 + nameLength + 12;
        assertEquals(0, ByteBuffer.wrap(v3, countAt, 4).getInt());
        byte[] v2 = new byte[v3.length - 4];
        System.arraycopy(v3, 0, v2, 0, countAt);
        System.arraycopy(v3, countAt + 4, v2, countAt, v3.length - countAt - 4);
        ByteBuffer.wrap(v2).putInt(0, 0x46565732);
        Path old = dir.resolve("old").resolve("test_fasternet.fvw");
        Files.createDirectories(old.getParent());
        Files.write(old, v2);
        WeightsFile.Header h = WeightsFile.header(old);
        assertTrue(h.metadata().isEmpty());
        try (ClassPredictor predictor =
                ClassPredictor.builder()
                        .setModel("test_fasternet")
                        .optWeights(old.getParent())
                        .optInputSize(32)
                        .build()) {
            assertEquals("class_0", predictor.classNames().get(0));
            assertEquals(
                    ModelRegistry.info("test_fasternet").family().preprocessing(),
                    predictor.preprocessor().preprocessing());
        }
    }

    @Test
    void aHostileMetadataCountIsRefused() throws IOException {
        Path file = save(Map.of());
        byte[] b = Files.readAllBytes(file);
        int nameLength = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
        ByteBuffer.wrap(b).putInt(4 + 2 + nameLength + 12, Integer.MAX_VALUE);
        Files.write(file, b);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> WeightsFile.header(file));
        assertTrue(e.getMessage().contains("metadata entries"), e.getMessage());
    }
}
