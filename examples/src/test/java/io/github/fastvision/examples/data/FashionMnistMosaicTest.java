package io.github.fastvision.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.ImageDataset;
import io.github.fastvision.training.data.InMemoryDataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FashionMnistMosaicTest {

    private static DatasetSplit bundled;

    /** The bundled Fashion-MNIST subset (3,000 / 1,000), loaded once. */
    private static synchronized DatasetSplit bundled() {
        if (bundled == null) {
            try {
                bundled = FashionMnist.loadBundledSubset();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return bundled;
    }

    private static final int S = 64;

    @Test
    void sameSeedSameMosaicsAndImageKIndependentOfCount() {
        ImageDataset train = bundled().train();
        FashionMnistMosaic a = FashionMnistMosaic.build(train, 6, S, 42);
        FashionMnistMosaic b = FashionMnistMosaic.build(train, 6, S, 42);
        FashionMnistMosaic shorter = FashionMnistMosaic.build(train, 3, S, 42);
        FashionMnistMosaic other = FashionMnistMosaic.build(train, 6, S, 43);
        float[] x = new float[S * S];
        float[] y = new float[S * S];
        int[] lx = new int[S * S];
        int[] ly = new int[S * S];
        int differing = 0;
        for (int k = 0; k < 6; k++) {
            a.image(k, x);
            b.image(k, y);
            assertArrayEquals(x, y, "image " + k);
            a.labels(k, lx);
            b.labels(k, ly);
            assertArrayEquals(lx, ly, "labels " + k);
            if (k < 3) {
                shorter.image(k, y);
                assertArrayEquals(x, y, "image " + k + " must not depend on the count");
            }
            other.image(k, y);
            differing += Arrays.equals(x, y) ? 0 : 1;
        }
        assertEquals(6, differing, "another seed gives other mosaics");
    }

    @Test
    void labelsMatchTheCanvasAndTheClasses() {
        FashionMnistMosaic m = FashionMnistMosaic.build(bundled().train(), 20, S, 7);
        assertEquals(20, m.size());
        assertEquals(S, m.canvas());
        assertEquals(11, m.numClasses());
        assertEquals(10, m.backgroundClass());
        List<String> expected = new ArrayList<>(FashionMnist.CLASSES);
        expected.add("background");
        assertEquals(expected, m.classes());
        float[] x = new float[S * S];
        int[] l = new int[S * S];
        boolean[] seen = new boolean[11];
        for (int k = 0; k < m.size(); k++) {
            m.image(k, x);
            m.labels(k, l);
            int foreground = 0;
            for (int i = 0; i < x.length; i++) {
                assertTrue(x[i] >= 0 && x[i] <= 1, "pixel " + x[i]);
                assertTrue(l[i] >= 0 && l[i] < 11, "label " + l[i]);
                seen[l[i]] = true;
                if (x[i] == 0) {
                    assertEquals(10, l[i], "a black pixel is background");
                }
                // Foreground exactly where the canvas is brighter than the threshold.
                boolean bright = x[i] > FashionMnistMosaic.FOREGROUND_THRESHOLD;
                assertEquals(
                        bright, l[i] != 10, "image " + k + " pixel " + i + " intensity " + x[i]);
                foreground += bright ? 1 : 0;
            }
            assertTrue(
                    foreground > 50,
                    "image " + k + " holds at least one item: " + foreground + " pixels");
            assertTrue(foreground < S * S / 2, "items leave background: " + foreground + " pixels");
        }
        int classesSeen = 0;
        for (boolean s : seen) {
            classesSeen += s ? 1 : 0;
        }
        assertTrue(
                classesSeen >= 8, "20 images of up to 4 items show most classes: " + classesSeen);
    }

    @Test
    void itemsArePastedWholeIntoSeparateCells() {
        // One solid 28x28 item: every pasted copy is a full 784-pixel square of class 5.
        byte[] px = new byte[28 * 28];
        Arrays.fill(px, (byte) 255);
        InMemoryDataset solid =
                InMemoryDataset.builder()
                        .setPixels(px)
                        .setLabels(new int[] {5})
                        .setImageShape(1, 28, 28)
                        .setClasses(FashionMnist.CLASSES)
                        .optDescription("solid")
                        .build();
        FashionMnistMosaic m = FashionMnistMosaic.build(solid, 200, S, 1);
        int[] l = new int[S * S];
        long items = 0;
        for (int k = 0; k < m.size(); k++) {
            m.labels(k, l);
            int fg = 0;
            for (int v : l) {
                assertTrue(v == 5 || v == 10, "label " + v);
                fg += v == 5 ? 1 : 0;
            }
            assertEquals(0, fg % 784, "whole, non-overlapping squares: " + fg + " pixels");
            int n = fg / 784;
            assertTrue(
                    n >= 1 && n <= 4,
                    "a 64-pixel canvas has 4 cells, image " + k + " has " + n + " items");
            items += n;
            // Each square lies inside one 32x32 cell: the cell corners' label tells which cells are
            // used.
            for (int cy = 0; cy < 2; cy++) {
                for (int cx = 0; cx < 2; cx++) {
                    int centre = (cy * 32 + 16) * S + cx * 32 + 16;
                    int inCell = 0;
                    for (int y = cy * 32; y < cy * 32 + 32; y++) {
                        for (int x = cx * 32; x < cx * 32 + 32; x++) {
                            inCell += l[y * S + x] == 5 ? 1 : 0;
                        }
                    }
                    assertEquals(
                            l[centre] == 5 ? 784 : 0,
                            inCell,
                            "cell (" + cy + ", " + cx + ") of image " + k);
                }
            }
        }
        double perImage = items / 200.0;
        // 4 cells filled with p = 0.75, at least one: E = 3 + 0.25^4 ≈ 3.004, sd of the mean ≈
        // 0.06.
        assertEquals(3.0, perImage, 0.25, "mean items per image");
    }

    @Test
    void enlargedItemsAreBilinearCopiesInLargerCells() {
        // A 28x28 item that is 1 in its left half and 0 in its right half, enlarged 3x into
        // 96-pixel cells. Output column x samples source column (x + 0.5) / 3 - 0.5: columns
        // 0..40 are 1, 41 and 42 blend columns 13 and 14 (2/3 and 1/3, both above the 0.2
        // foreground threshold), 43.. are 0. Every copy is 84 rows of 43 labelled pixels.
        byte[] px = new byte[28 * 28];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 14; x++) {
                px[y * 28 + x] = (byte) 255;
            }
        }
        InMemoryDataset half =
                InMemoryDataset.builder()
                        .setPixels(px)
                        .setLabels(new int[] {2})
                        .setImageShape(1, 28, 28)
                        .setClasses(FashionMnist.CLASSES)
                        .optDescription("half")
                        .build();
        int canvas = 192;
        FashionMnistMosaic m =
                FashionMnistMosaic.builder()
                        .setSource(half)
                        .setCount(30)
                        .setCanvas(canvas)
                        .setSeed(5)
                        .optItemScale(3)
                        .build();
        assertTrue(m.describe().contains("enlarged 3x"), m.describe());
        float[] image = new float[canvas * canvas];
        int[] l = new int[canvas * canvas];
        for (int k = 0; k < m.size(); k++) {
            m.image(k, image);
            m.labels(k, l);
            int fg = 0;
            for (int v : l) {
                fg += v == 2 ? 1 : 0;
            }
            assertEquals(
                    0, fg % (84 * 43), "whole enlarged items: " + fg + " pixels in image " + k);
            int items = fg / (84 * 43);
            assertTrue(
                    items >= 1 && items <= 4, "4 cells of 96 pixels, image " + k + " has " + items);
        }
        // The blend values themselves: find one item's top-left corner and check a row.
        m.image(0, image);
        m.labels(0, l);
        int first = -1;
        for (int i = 0; i < l.length && first < 0; i++) {
            first = l[i] == 2 ? i : -1;
        }
        int row = first / canvas;
        int col = first % canvas;
        assertEquals(1f, image[row * canvas + col + 40], 1e-6f);
        assertEquals(2f / 3f, image[row * canvas + col + 41], 1e-5f);
        assertEquals(1f / 3f, image[row * canvas + col + 42], 1e-5f);
        assertEquals(0f, image[row * canvas + col + 43], 1e-6f);
        IllegalArgumentException small =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                FashionMnistMosaic.builder()
                                        .setSource(half)
                                        .setCount(1)
                                        .setCanvas(80)
                                        .setSeed(0)
                                        .optItemScale(3)
                                        .build());
        assertTrue(small.getMessage().contains("at least 84"), small.getMessage());
        IllegalArgumentException scale =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                FashionMnistMosaic.builder()
                                        .setSource(half)
                                        .setCount(1)
                                        .setCanvas(64)
                                        .setSeed(0)
                                        .optItemScale(0)
                                        .build());
        assertTrue(scale.getMessage().contains("[1, 8]"), scale.getMessage());
    }

    @Test
    void splitHalvesUseOnlyTheirOwnItems() {
        Random random = new Random(3);
        byte[] trainPx = new byte[8 * 28 * 28];
        byte[] testPx = new byte[5 * 28 * 28];
        random.nextBytes(trainPx);
        random.nextBytes(testPx);
        int[] trainLabels = new int[8];
        int[] testLabels = new int[5];
        Arrays.fill(trainLabels, 3);
        Arrays.fill(testLabels, 7);
        DatasetSplit split =
                new DatasetSplit(
                        InMemoryDataset.builder()
                                .setPixels(trainPx)
                                .setLabels(trainLabels)
                                .setImageShape(1, 28, 28)
                                .setClasses(FashionMnist.CLASSES)
                                .optDescription("threes")
                                .build(),
                        InMemoryDataset.builder()
                                .setPixels(testPx)
                                .setLabels(testLabels)
                                .setImageShape(1, 28, 28)
                                .setClasses(FashionMnist.CLASSES)
                                .optDescription("sevens")
                                .build());
        FashionMnistMosaic.Split s =
                FashionMnistMosaic.builder().setCanvas(S).setSeed(11).buildSplit(split, 10, 4);
        assertEquals(10, s.train().size());
        assertEquals(4, s.test().size());
        assertEquals(
                List.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1),
                presence(s.train()),
                "train: class 3 and background");
        assertEquals(
                List.of(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1),
                presence(s.test()),
                "test: class 7 and background");
        float[] a = new float[S * S];
        float[] b = new float[S * S];
        FashionMnistMosaic sameSeed = FashionMnistMosaic.build(split.test(), 4, S, 11);
        s.test().image(0, a);
        sameSeed.image(0, b);
        assertFalse(Arrays.equals(a, b), "the test half draws its layouts from a derived seed");
    }

    @Test
    void batchIsNormalizedFloatImagesAndInt64Labels() {
        FashionMnistMosaic m = FashionMnistMosaic.build(bundled().test(), 5, S, 9);
        float[] x = new float[S * S];
        int[] l = new int[S * S];
        m.image(3, x);
        m.labels(3, l);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray[] batch = m.batch(manager, 2, 5);
            assertEquals(new Shape(3, 1, S, S), batch[0].getShape());
            assertEquals(DataType.FLOAT32, batch[0].getDataType());
            assertEquals(new Shape(3, S, S), batch[1].getShape());
            assertEquals(DataType.INT64, batch[1].getDataType());
            float[] images = batch[0].toFloatArray();
            long[] labels = batch[1].toLongArray();
            for (int i = 0; i < S * S; i++) {
                // Fashion-MNIST's mean 0.2860 and std 0.3530, as Normalize.forChannels(1).
                assertEquals((x[i] - 0.2860f) / 0.3530f, images[S * S + i], 1e-5f);
                assertEquals(l[i], labels[S * S + i]);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> m.batch(null, 3, 6));
        assertThrows(IllegalArgumentException.class, () -> m.batch(null, 2, 2));
    }

    @Test
    void badArgumentsAreRejectedWithTheirLimits() {
        ImageDataset train = bundled().train();
        IllegalArgumentException small =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> FashionMnistMosaic.build(train, 2, 27, 0));
        assertTrue(small.getMessage().contains("at least 28"), small.getMessage());
        assertTrue(small.getMessage().contains("27"), small.getMessage());
        InMemoryDataset rgb =
                InMemoryDataset.builder()
                        .setPixels(new byte[3 * 28 * 28])
                        .setLabels(new int[] {0})
                        .setImageShape(3, 28, 28)
                        .setClasses(FashionMnist.CLASSES)
                        .optDescription("rgb")
                        .build();
        IllegalArgumentException channels =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> FashionMnistMosaic.build(rgb, 2, 64, 0));
        assertTrue(channels.getMessage().contains("3 channels"), channels.getMessage());
        IllegalArgumentException none =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> FashionMnistMosaic.build(train, 0, 64, 0));
        assertTrue(none.getMessage().contains("at least 1"), none.getMessage());
        FashionMnistMosaic m = FashionMnistMosaic.build(train, 1, 28, 0);
        assertThrows(IllegalArgumentException.class, () -> m.image(0, new float[27 * 28]));
        assertThrows(IndexOutOfBoundsException.class, () -> m.labels(1, new int[28 * 28]));
    }

    private static List<Integer> presence(FashionMnistMosaic m) {
        int[] l = new int[m.canvas() * m.canvas()];
        Integer[] present = new Integer[m.numClasses()];
        Arrays.fill(present, 0);
        for (int k = 0; k < m.size(); k++) {
            m.labels(k, l);
            for (int v : l) {
                present[v] = 1;
            }
        }
        return List.of(present);
    }

    /**
     * 60 items, item i a uniform square of intensity (i + 40)/255, so every pixel names its item.
     */
    private static InMemoryDataset numberedItems() {
        int n = 60;
        byte[] px = new byte[n * 28 * 28];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(px, i * 784, (i + 1) * 784, (byte) (i + 40));
            labels[i] = i % 3;
        }
        return InMemoryDataset.builder()
                .setPixels(px)
                .setLabels(labels)
                .setImageShape(1, 28, 28)
                .setClasses(List.of("a", "b", "c"))
                .optDescription("60 numbered items")
                .build();
    }

    private static java.util.BitSet itemsSeen(FashionMnistMosaic m) {
        java.util.BitSet seen = new java.util.BitSet();
        float[] x = new float[m.canvas() * m.canvas()];
        for (int k = 0; k < m.size(); k++) {
            m.image(k, x);
            for (float v : x) {
                if (v > 0) {
                    seen.set(Math.round(v * 255) - 40);
                }
            }
        }
        return seen;
    }

    @Test
    void heldOutMosaicsUseOnlyItemsTheTrainingMosaicsNeverDrew() {
        InMemoryDataset source = numberedItems();
        FashionMnistMosaic training = FashionMnistMosaic.build(source, 25, 32, 5);
        java.util.BitSet drawn = training.sourceItems();
        assertEquals(
                drawn,
                itemsSeen(training),
                "sourceItems() names exactly the items on the canvases");
        assertTrue(drawn.cardinality() > 10 && drawn.cardinality() <= 25, drawn.toString());

        FashionMnistMosaic validation =
                FashionMnistMosaic.builder()
                        .setSource(source)
                        .setCount(30)
                        .setCanvas(64)
                        .setSeed(5)
                        .optItemScale(1)
                        .optHeldOutFrom(training)
                        .build();
        java.util.BitSet held = itemsSeen(validation);
        assertTrue(held.cardinality() > 10, held.toString());
        assertFalse(
                held.intersects(drawn),
                "validation items " + held + " overlap training items " + drawn);
        assertEquals(30, validation.size());
        assertEquals(64, validation.canvas());

        FashionMnistMosaic again =
                FashionMnistMosaic.builder()
                        .setSource(source)
                        .setCount(30)
                        .setCanvas(64)
                        .setSeed(5)
                        .optItemScale(1)
                        .optHeldOutFrom(training)
                        .build();
        float[] a = new float[64 * 64];
        float[] b = new float[64 * 64];
        validation.image(29, a);
        again.image(29, b);
        assertArrayEquals(a, b, "deterministic from the seed");

        IllegalArgumentException other =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                FashionMnistMosaic.builder()
                                        .setSource(bundled().train())
                                        .setCount(4)
                                        .setCanvas(64)
                                        .setSeed(5)
                                        .optItemScale(1)
                                        .optHeldOutFrom(training)
                                        .build());
        assertTrue(other.getMessage().contains("drawn from 60 items"), other.getMessage());
        FashionMnistMosaic everything = FashionMnistMosaic.build(source, 2000, 32, 5);
        assertEquals(60, everything.sourceItems().cardinality());
        IllegalArgumentException none =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                FashionMnistMosaic.builder()
                                        .setSource(source)
                                        .setCount(4)
                                        .setCanvas(64)
                                        .setSeed(5)
                                        .optItemScale(1)
                                        .optHeldOutFrom(everything)
                                        .build());
        assertTrue(none.getMessage().contains("leaves none of the 60"), none.getMessage());
    }
}
