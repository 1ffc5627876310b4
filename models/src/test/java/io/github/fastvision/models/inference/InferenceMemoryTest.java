package io.github.fastvision.models.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.github.fastvision.core.layers.Autograd;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Resident memory stays flat over 2,000 batch-1 passes fed the way users feed data: Java {@code
 * float[]} and images through {@link ClassPredictor}, and images through the DJL {@code Criteria}
 * predictor. The inputs are created natively in per-batch managers and filled through the tensor's
 * own memory, so nothing waits for the garbage collector: RSS is read without a GC.
 *
 * <p>What the old routes grew by, measured here over the same 2,000 passes (2 shared cores, 2 GiB
 * pre-touched heap): inputs made with {@code manager.create(float[])} (the old {@code run} and CLI
 * route) 188 MiB at 3×96×96, i.e. nearly every pass's 108 KiB input buffer still held; DJL's {@code
 * ImageClassificationTranslator} (the old {@code Criteria} translator) 146 MiB for 256×256 images.
 * The routes below stay under the 64 MiB bound of {@code NativeMemoryTest}.
 */
class InferenceMemoryTest {

    private static final long LIMIT_BYTES = 64L << 20;
    private static final int WARM_UP = 100;
    private static final int PASSES = 2000;

    static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static long growth(Runnable pass) throws IOException {
        for (int i = 0; i < WARM_UP; i++) {
            pass.run();
        }
        System.gc();
        long baseline = residentBytes();
        for (int i = 0; i < PASSES; i++) {
            pass.run();
        }
        // No GC here: deterministic release must not need one.
        return residentBytes() - baseline;
    }

    private static BufferedImage noise(int side, long seed) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, r.nextInt());
            }
        }
        return image;
    }

    @Test
    void javaArraysDoNotGrowMemory() throws IOException {
        // 3x96x96: 108 KiB per input, 211 MiB over the loop if each input leaked a buffer.
        try (ClassPredictor p =
                ClassPredictor.builder().setModel("test_fasternet").optInputSize(96).build()) {
            float[] x = new float[p.preprocessor().floatsPerImage()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i % 97) / 97f;
            }
            long grew = growth(() -> assertEquals(1, p.predictPreprocessed(x, 1).size()));
            assertTrue(
                    grew < LIMIT_BYTES,
                    "RSS grew by " + (grew >> 20) + " MiB over " + PASSES + " float[] passes");
        }
    }

    @Test
    void imagesThroughThePredictorDoNotGrowMemory() throws IOException {
        try (ClassPredictor p =
                ClassPredictor.builder().setModel("test_fasternet").optInputSize(32).build()) {
            List<BufferedImage> batch = List.of(noise(256, 2));
            long grew = growth(() -> assertEquals(1, p.predictImages(batch).size()));
            assertTrue(
                    grew < LIMIT_BYTES,
                    "RSS grew by " + (grew >> 20) + " MiB over " + PASSES + " image passes");
        }
    }

    @Test
    void imagesThroughTheCriteriaPredictorDoNotGrowMemory() throws Exception {
        Criteria<Image, Classifications> criteria =
                Criteria.builder()
                        .setTypes(Image.class, Classifications.class)
                        .optGroupId("io.github.fastvision")
                        .optArtifactId("test_fasternet")
                        .optArgument("numClasses", 10)
                        .optArgument("inputSize", 32)
                        .build();
        Autograd.disable();
        Image image = ImageFactory.getInstance().fromImage(noise(256, 3));
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            long grew =
                    growth(
                            () -> {
                                try {
                                    assertEquals(10, predictor.predict(image).items().size());
                                } catch (ai.djl.translate.TranslateException e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            assertTrue(
                    grew < LIMIT_BYTES,
                    "RSS grew by " + (grew >> 20) + " MiB over " + PASSES + " Criteria passes");
        }
    }
}
