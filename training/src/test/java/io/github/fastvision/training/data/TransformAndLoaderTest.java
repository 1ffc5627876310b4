package io.github.fastvision.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.training.TinyData;
import io.github.fastvision.training.data.transform.FloatImage;
import io.github.fastvision.training.data.transform.HorizontalFlip;
import io.github.fastvision.training.data.transform.ImageTransform;
import io.github.fastvision.training.data.transform.Normalize;
import io.github.fastvision.training.data.transform.Pipeline;
import io.github.fastvision.training.data.transform.RandomResizedCrop;
import io.github.fastvision.training.data.transform.Resize;
import java.util.Iterator;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TransformAndLoaderTest {

    private static FloatImage ramp(int h, int w) {
        float[] d = new float[h * w];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return new FloatImage(d, 1, h, w);
    }

    @Test
    void resizeIsIdentityAtSameSizeAndBilinearOtherwise() {
        FloatImage img = ramp(4, 4);
        assertArrayEquals(img.data(), new Resize(4).apply(img, new Random(0)).data());
        // 2x2 -> 4x4 with pixel centres: the first output pixel samples (−0.25, −0.25), clamped to
        // 0.
        FloatImage small = new FloatImage(new float[] {0, 1, 2, 3}, 1, 2, 2);
        FloatImage up = new Resize(4).apply(small, new Random(0));
        assertEquals(0f, up.data()[0], 1e-6);
        assertEquals(0.25f, up.data()[1], 1e-6); // x = 0.25 → 0.25 between 0 and 1
        assertEquals(3f, up.data()[15], 1e-6);
    }

    @Test
    void resizeKeepsTheAspectRatioAndCropsTheCentre() {
        // 4 rows x 8 columns to 2: the short side halves (4 -> 2, long side 8 -> 4) with PIL's
        // antialiased triangle, then the centre columns 1..2 of the 4 are kept.
        FloatImage wide = ramp(4, 8);
        FloatImage out = new Resize(2).apply(wide, new Random(0));
        float[] want = new float[4];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                want[y * 2 + x] = halve(2 * y, 4) * 8 + halve(2 * (x + 1), 8);
            }
        }
        assertArrayEquals(want, out.data(), 1e-4f);
    }

    /**
     * The halving of a ramp 0, 1, ..., in - 1 at the output whose taps start at source pixel {@code
     * first - 1}: weights 1/8, 3/8, 3/8, 1/8 over {@code first - 1 .. first + 2}, the taps outside
     * the image dropped and the rest renormalized, as PIL does.
     */
    private static float halve(int first, int in) {
        if (first == 0) {
            return (3 * 0 + 3 * 1 + 1 * 2) / 7f;
        }
        if (first + 2 == in) {
            return (first - 1 + 3 * first + 3 * (first + 1)) / 7f;
        }
        return (first - 1 + 3 * first + 3 * (first + 1) + (first + 2)) / 8f;
    }

    @Test
    void windowResamplingEqualsCroppingThenResizing() {
        Random random = new Random(5);
        float[] d = new float[2 * 9 * 11];
        for (int i = 0; i < d.length; i++) {
            d[i] = random.nextFloat();
        }
        FloatImage img = new FloatImage(d, 2, 9, 11);
        int top = 2;
        int left = 3;
        int h = 5;
        int w = 7;
        float[] crop = new float[2 * h * w];
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(d, (c * 9 + top + y) * 11 + left, crop, (c * h + y) * w, w);
            }
        }
        FloatImage cropped = new FloatImage(crop, 2, h, w);
        for (int[] out : new int[][] {{3, 4}, {5, 7}, {8, 13}}) {
            assertArrayEquals(
                    cropped.resample(0, 0, h, w, out[0], out[1]).data(),
                    img.resample(top, left, h, w, out[0], out[1]).data(),
                    0f,
                    out[0] + "x" + out[1]);
        }
        assertArrayEquals(crop, img.resample(top, left, h, w, h, w).data(), 0f);
        assertThrows(IllegalArgumentException.class, () -> img.resample(5, 0, 5, 11, 3, 3));
    }

    @Test
    void fullScaleCropIsTheWholeImageAndCropsHaveTheOutputSize() {
        FloatImage img = ramp(6, 6);
        FloatImage same =
                new RandomResizedCrop(6, 1.0, 1.0)
                        .apply(new FloatImage(img.data().clone(), 1, 6, 6), new Random(3));
        assertArrayEquals(img.data(), same.data());
        Random r = new Random(1);
        for (int i = 0; i < 50; i++) {
            FloatImage c = new RandomResizedCrop(5, 0.08, 1.0).apply(img, r);
            assertEquals(5, c.height());
            assertEquals(5, c.width());
            for (float v : c.data()) {
                assertTrue(v >= 0 && v <= 35);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(5, 0.5, 0.2));
    }

    @Test
    void flipMirrorsAndNormalizeStandardizes() {
        FloatImage img = new FloatImage(new float[] {1, 2, 3, 4, 5, 6}, 1, 2, 3);
        new HorizontalFlip(1.0).apply(img, new Random(0));
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, img.data());
        FloatImage n = new Normalize(new float[] {1f}, new float[] {2f}).apply(img, new Random(0));
        assertArrayEquals(new float[] {1, 0.5f, 0, 2.5f, 2, 1.5f}, n.data());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Normalize.IMAGENET.apply(
                                        new FloatImage(new float[4], 1, 2, 2), new Random(0)));
        assertTrue(e.getMessage().contains("3 channel"), e.getMessage());
    }

    @Test
    void mixupKeepsTargetsDistributionsAndCutmixPastesABox() {
        int n = 4;
        int k = 3;
        float[] images = new float[n * 16];
        float[] targets = new float[n * k];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 16; p++) {
                images[i * 16 + p] = i;
            }
            targets[i * k + i % k] = 1;
        }
        double lam = new MixupCutmix(0, 1.0).apply(images, targets, n, 1, 4, 4, k, new Random(5));
        int pasted = 0;
        for (int p = 0; p < 16; p++) {
            pasted += images[p] == 3 ? 1 : 0; // image 0 receives pixels of image 3
        }
        assertEquals(1 - pasted / 16.0, lam, 1e-9, "λ equals the kept area");
        for (int i = 0; i < n; i++) {
            float sum = 0;
            for (int q = 0; q < k; q++) {
                sum += targets[i * k + q];
            }
            assertEquals(1f, sum, 1e-6);
        }
        double b = 0;
        Random r = new Random(0);
        for (int i = 0; i < 20000; i++) {
            b += MixupCutmix.beta(0.8, r) / 20000;
        }
        assertEquals(0.5, b, 0.01, "Beta(α, α) has mean 1/2");
    }

    @Test
    void loaderIsDeterministicPerSeedAndEpochWithSmoothedTargets() {
        DatasetSplit data = TinyData.of(10, 5);
        Pipeline train = Pipeline.training(32, 0.5, true, 1);
        try (BatchLoader a = trainingLoader(data.train(), train, 16, 0.1f);
                BatchLoader b = trainingLoader(data.train(), train, 16, 0.1f)) {
            assertEquals(6, a.batchesPerEpoch());
            Iterator<TrainingBatch> ia = a.epoch(1);
            Iterator<TrainingBatch> ib = b.epoch(1);
            TrainingBatch x = ia.next();
            TrainingBatch y = ib.next();
            assertArrayEquals(x.images(), y.images());
            assertArrayEquals(x.labels(), y.labels());
            assertEquals(16 * 32 * 32, x.images().length);
            assertEquals(0.9f + 0.01f, x.targets()[x.labels()[0]], 1e-6);
            assertEquals(0.01f, x.targets()[(x.labels()[0] + 1) % 10], 1e-6);
            assertFalse(
                    java.util.Arrays.equals(x.labels(), a.epoch(2).next().labels()),
                    "a new order each epoch");
            int batches = 1;
            while (ia.hasNext()) {
                ia.next();
                batches++;
            }
            assertEquals(6, batches);
        }
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> trainingLoader(data.train(), train, 1000, 0f));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    /** A shuffling, last-batch-dropping loader of 32-pixel images with seed 7. */
    private static BatchLoader trainingLoader(
            ImageDataset images, ImageTransform transform, int batch, float smoothing) {
        return BatchLoader.builder()
                .setData(images)
                .setTransform(transform, 32)
                .setBatchSize(batch)
                .optTraining(7)
                .optLabelSmoothing(smoothing)
                .build();
    }
}
