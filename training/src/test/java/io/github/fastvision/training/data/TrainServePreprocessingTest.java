package io.github.fastvision.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.inference.ImageDecoder;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.data.transform.FloatImage;
import io.github.fastvision.training.data.transform.Pipeline;
import io.github.fastvision.training.data.transform.RandomResizedCrop;
import io.github.fastvision.training.loop.ZooTrainer;
import io.github.fastvision.training.recipe.Recipes;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training's evaluation input of an image file equals {@code predict}'s ({@link ImagePreprocessor}
 * under the preprocessing the weights record) bit for bit: noise images of several sizes, aspect
 * ratios and formats, shrunk and enlarged, decoded to one and to three channels.
 */
class TrainServePreprocessingTest {

    /** Width, height, colour; noise so any difference in weights or taps shows. */
    private static final int[][] SHAPES = {
        {20, 24, 1}, {37, 23, 1}, {28, 28, 0}, {300, 200, 1}, {5, 9, 1}, {64, 17, 0}, {16, 16, 1}
    };

    @Test
    void evaluationBatchesEqualPredictsPreprocessingExactly(@TempDir Path root) throws IOException {
        List<Path> files = writeFolder(root);
        for (int channels : new int[] {1, 3}) {
            DatasetSplit split = ImageFolderDataset.load(root, channels, 9);
            for (int size : new int[] {8, 16, 32}) {
                ImagePreprocessor predict =
                        new ImagePreprocessor(
                                Pipeline.evaluationPreprocessing(channels), size, channels);
                float[] want = new float[files.size() * predict.floatsPerImage()];
                for (int i = 0; i < files.size(); i++) {
                    predict.apply(
                            ImageDecoder.standard().decode(files.get(i)),
                            want,
                            i * predict.floatsPerImage());
                }
                try (BatchLoader loader =
                        BatchLoader.builder()
                                .setData(split.train())
                                .setTransform(Pipeline.evaluation(size, channels), size)
                                .setBatchSize(files.size())
                                .build()) {
                    Iterator<TrainingBatch> it = loader.epoch(0);
                    float[] got = it.next().images();
                    assertArrayEquals(want, got, 0f, channels + " channel(s), size " + size);
                }
            }
        }
    }

    @Test
    void fullScaleRandomCropOfASquareImageIsPredictsResize(@TempDir Path root) throws IOException {
        List<Path> files = writeFolder(root);
        DatasetSplit split = ImageFolderDataset.load(root, 3, 9);
        int square = SHAPES.length - 1;
        FloatImage image = split.train().image(square);
        assertEquals(16, image.height());
        ImagePreprocessor predict =
                new ImagePreprocessor(
                        new Preprocessing(
                                1f,
                                ai.djl.modality.cv.Image.Interpolation.BILINEAR,
                                new float[] {0f},
                                new float[] {1f}),
                        11,
                        3);
        float[] cropped = new RandomResizedCrop(11, 1.0, 1.0).apply(image, new Random(3)).data();
        assertArrayEquals(
                predict.apply(ImageDecoder.standard().decode(files.get(square))), cropped, 0f);
    }

    @Test
    void pixelsViewIsPredictsResizeAtTheStoredSide(@TempDir Path root) throws IOException {
        List<Path> files = writeFolder(root);
        DatasetSplit split = ImageFolderDataset.load(root, 1, 12);
        ImagePreprocessor predict =
                new ImagePreprocessor(
                        new Preprocessing(
                                1f,
                                ai.djl.modality.cv.Image.Interpolation.BILINEAR,
                                new float[] {0f},
                                new float[] {1f}),
                        12,
                        1);
        float[] px = new float[12 * 12];
        for (int i = 0; i < files.size(); i++) {
            split.train().pixels(i, px);
            assertArrayEquals(
                    predict.apply(ImageDecoder.standard().decode(files.get(i))), px, 0f, "" + i);
        }
    }

    @Test
    void weightsRecordTheEvaluationPreprocessing() {
        for (int channels : new int[] {1, 3}) {
            InMemoryDataset d =
                    InMemoryDataset.builder()
                            .setPixels(new byte[2 * channels * 4])
                            .setLabels(new int[] {0, 1})
                            .setImageShape(channels, 2, 2)
                            .setClasses(List.of("a", "b"))
                            .build();
            TrainConfig config =
                    TrainConfig.builder()
                            .setModel("test_fasternet")
                            .setRecipe(Recipes.get(Recipes.SMALL))
                            .setEpochs(1)
                            .setBatch(2)
                            .setImageSize(16)
                            .build();
            String recorded =
                    ZooTrainer.metadata(config, new DatasetSplit(d, d))
                            .get(WeightsFile.PREPROCESSING);
            assertEquals(
                    Pipeline.evaluationPreprocessing(channels), Preprocessing.fromJson(recorded));
        }
    }

    /**
     * Writes {@link #SHAPES} into two class folders of {@code train/} (the last, square one into
     * the second) and the same files into {@code test/}, and returns the training files in the
     * dataset's order: classes, then names.
     */
    private static List<Path> writeFolder(Path root) throws IOException {
        Random random = new Random(11);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < SHAPES.length; i++) {
            int w = SHAPES[i][0];
            int h = SHAPES[i][1];
            boolean rgb = SHAPES[i][2] == 1;
            BufferedImage img =
                    new BufferedImage(
                            w, h, rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (rgb) {
                        img.setRGB(x, y, random.nextInt(1 << 24));
                    } else {
                        img.getRaster().setSample(x, y, 0, random.nextInt(256));
                    }
                }
            }
            String format = i == 3 ? "jpg" : i == 4 ? "bmp" : "png";
            String name = (i < SHAPES.length - 1 ? "a/" : "b/") + String.format("%02d.", i);
            Path file = root.resolve("train/" + name + format);
            Files.createDirectories(file.getParent());
            ImageIO.write(img, format, file.toFile());
            Path copy = root.resolve("test/" + name + format);
            Files.createDirectories(copy.getParent());
            Files.copy(file, copy);
            files.add(file);
        }
        return files;
    }
}
