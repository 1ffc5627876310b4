package io.github.fastvision.examples.anytime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.training.data.FashionMnist;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnytimeFigureTest {

    private static final int SIZE = 16;
    private static final int SCALE = 3;
    private static final int EXITS = 3;
    private static final List<String> CLASSES = classes();

    @Test
    void layoutAndCellColoursReadBack(@TempDir Path dir) throws IOException {
        int n = SIZE * SIZE;
        float[] image = new float[n];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            image[i] = (i % SIZE) / (float) (SIZE - 1);
            truth[i] = i % 11;
        }
        truth[0] = 255; // an ignored pixel
        List<int[]> predictions = new ArrayList<>();
        List<float[]> confidence = new ArrayList<>();
        List<boolean[]> computed = new ArrayList<>();
        for (int e = 0; e < EXITS; e++) {
            int[] p = new int[n];
            float[] c = new float[n];
            boolean[] m = new boolean[n];
            for (int i = 0; i < n; i++) {
                p[i] = (i / SIZE + e) % 11;
                c[i] = (i / SIZE) / (float) (SIZE - 1);
                // Exit 0 computes everything; later exits skip the right half.
                m[i] = e == 0 || i % SIZE < SIZE / 2;
            }
            predictions.add(p);
            confidence.add(c);
            computed.add(m);
        }
        Path png = dir.resolve("figures").resolve("anytime.png");
        AnytimeFigure.builder()
                .setImage(image, SIZE)
                .setGroundTruth(truth)
                .setPredictions(predictions)
                .setConfidence(confidence)
                .setComputed(computed)
                .setClassNames(CLASSES)
                .optScale(SCALE)
                .write(png);
        BufferedImage read = ImageIO.read(png.toFile());

        // cell 48, pitch 52: width 80 + 4 * 52 = 288; 288 / 120 = 2 legend entries per row, 11
        // classes
        // -> 6 rows of 18: height 20 + 3 * 52 + 108 = 284.
        assertEquals(288, read.getWidth());
        assertEquals(284, read.getHeight());
        int cell = SIZE * SCALE;
        int pitch = cell + AnytimeFigure.GAP;
        assertEquals(AnytimeFigure.LABEL_WIDTH + (EXITS + 1) * pitch, read.getWidth());

        // Exit 2's mask cell: column 3, row 2. Position (5, 3) computed, (5, 12) skipped.
        assertEquals(0xFFFFFF, rgb(read, 3, 2, 5, 3));
        assertEquals(0x000000, rgb(read, 3, 2, 5, 12));
        // Exit 0 computed everything.
        assertEquals(0xFFFFFF, rgb(read, 1, 2, 5, 12));

        // Exit 1's prediction at row 4 is class 5 (brown in tab10); row 9 is class 10, the
        // background.
        assertEquals(0x8C564B, rgb(read, 2, 0, 4, 7));
        assertEquals(AnytimeFigure.color(5, 11), rgb(read, 2, 0, 4, 7));
        assertEquals(0x404040, rgb(read, 2, 0, 9, 7));
        assertEquals(0x1F77B4, rgb(read, 3, 0, 9, 0), "exit 2, row 9: class 11 % 11 = 0");

        // Confidence row: row 15 is confidence 1 (yellow), row 0 confidence 0 (dark blue).
        assertEquals(AnytimeFigure.HIGH_CONFIDENCE_COLOR, rgb(read, 1, 1, 15, 2));
        assertEquals(AnytimeFigure.LOW_CONFIDENCE_COLOR, rgb(read, 1, 1, 0, 2));
        assertEquals(AnytimeFigure.confidenceColor(7 / 15f), rgb(read, 1, 1, 7, 2));

        // Left column: truth in row 0 (position 1 is class 1, orange; position 0 is ignored, black)
        // and the grayscale input in row 1 (column 15 is white, column 0 black).
        assertEquals(0xFF7F0E, rgb(read, 0, 0, 0, 1));
        assertEquals(0x000000, rgb(read, 0, 0, 0, 0));
        assertEquals(0xFFFFFF, rgb(read, 0, 1, 3, 15));
        assertEquals(0x000000, rgb(read, 0, 1, 3, 0));
        assertEquals(0x888888, rgb(read, 0, 1, 3, 8), "8/15 * 255 = 136 = 0x88");

        // The legend's first swatch (class 0) and a gap stays white.
        int legendTop = AnytimeFigure.TITLE_HEIGHT + 3 * pitch;
        assertEquals(0x1F77B4, read.getRGB(8, legendTop + 8) & 0xFFFFFF);
        assertEquals(
                0xFFFFFF,
                read.getRGB(AnytimeFigure.LABEL_WIDTH + cell + 1, legendTop - 2) & 0xFFFFFF);

        // The titles put dark text pixels above exit 2's column.
        int x0 = AnytimeFigure.LABEL_WIDTH + 3 * pitch;
        int dark = 0;
        for (int y = 0; y < AnytimeFigure.TITLE_HEIGHT; y++) {
            for (int x = x0; x < x0 + cell; x++) {
                dark += (read.getRGB(x, y) & 0xFF) < 128 ? 1 : 0;
            }
        }
        assertTrue(dark > 10, "title 'exit 2' drawn: " + dark + " dark pixels");

        // Rewriting replaces the file and leaves no temporary file behind.
        AnytimeFigure.builder()
                .setImage(image, SIZE)
                .setGroundTruth(truth)
                .setPredictions(predictions)
                .setConfidence(confidence)
                .setComputed(computed)
                .setClassNames(CLASSES)
                .write(png);
        assertEquals(
                AnytimeFigure.LABEL_WIDTH + 4 * (SIZE + AnytimeFigure.GAP),
                ImageIO.read(png.toFile()).getWidth());
        try (Stream<Path> files = Files.list(png.getParent())) {
            assertEquals(List.of(png), files.toList());
        }
    }

    @Test
    void paletteIsDistinctAndBackgroundIsDarkGray() {
        assertEquals(0x404040, AnytimeFigure.color(10, 11));
        for (int a = 0; a < 20; a++) {
            for (int b = a + 1; b < 20; b++) {
                assertNotEquals(
                        AnytimeFigure.color(a, 20), AnytimeFigure.color(b, 20), a + " vs " + b);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> AnytimeFigure.color(11, 11));
    }

    @Test
    void badInputsAreRejectedWithTheExpectedSizes(@TempDir Path dir) {
        int n = SIZE * SIZE;
        Path png = dir.resolve("x.png");
        List<int[]> p = List.of(new int[n]);
        List<float[]> c = List.of(new float[n]);
        List<boolean[]> m = List.of(new boolean[n]);
        IllegalArgumentException image =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                AnytimeFigure.builder()
                                        .setImage(new float[n - 1], SIZE)
                                        .setGroundTruth(new int[n])
                                        .setPredictions(p)
                                        .setConfidence(c)
                                        .setComputed(m)
                                        .setClassNames(CLASSES)
                                        .optScale(2)
                                        .write(png));
        assertTrue(
                image.getMessage().contains("image") && image.getMessage().contains("256"),
                image.getMessage());
        IllegalArgumentException exits =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                AnytimeFigure.builder()
                                        .setImage(new float[n], SIZE)
                                        .setGroundTruth(new int[n])
                                        .setPredictions(p)
                                        .setConfidence(List.of())
                                        .setComputed(m)
                                        .setClassNames(CLASSES)
                                        .optScale(2)
                                        .write(png));
        assertTrue(exits.getMessage().contains("1, 0 and 1"), exits.getMessage());
        int[] bad = new int[n];
        bad[7] = 11;
        IllegalArgumentException cls =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                AnytimeFigure.builder()
                                        .setImage(new float[n], SIZE)
                                        .setGroundTruth(new int[n])
                                        .setPredictions(List.of(bad))
                                        .setConfidence(c)
                                        .setComputed(m)
                                        .setClassNames(CLASSES)
                                        .optScale(2)
                                        .write(png));
        assertTrue(cls.getMessage().contains("class 11 at position 7"), cls.getMessage());
        float[] conf = new float[n];
        conf[3] = 1.5f;
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        AnytimeFigure.builder()
                                .setImage(new float[n], SIZE)
                                .setGroundTruth(new int[n])
                                .setPredictions(p)
                                .setConfidence(List.of(conf))
                                .setComputed(m)
                                .setClassNames(CLASSES)
                                .optScale(2)
                                .write(png));
        assertTrue(Files.notExists(png), "nothing written for bad input");
    }

    /** The colour at the centre of map position (y, x) inside cell (column, row). */
    private static int rgb(BufferedImage img, int column, int row, int y, int x) {
        int pitch = SIZE * SCALE + AnytimeFigure.GAP;
        int px = AnytimeFigure.LABEL_WIDTH + column * pitch + x * SCALE + SCALE / 2;
        int py = AnytimeFigure.TITLE_HEIGHT + row * pitch + y * SCALE + SCALE / 2;
        return img.getRGB(px, py) & 0xFFFFFF;
    }

    private static List<String> classes() {
        List<String> names = new ArrayList<>(FashionMnist.CLASSES);
        names.add("background");
        return names;
    }
}
