package io.github.fastvision.models.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.modality.cv.Image;
import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.image.ImagePreprocessor;
import org.junit.jupiter.api.Test;

/**
 * {@link ImagePreprocessor} against values computed by hand on small synthetic images: the crop
 * window, PIL's antialiased bilinear and bicubic weights, channel conversion and per-family
 * normalization.
 */
class ImagePreprocessorTest {

    private static final float EPS = 1e-5f;

    private static DecodedImage gray(int h, int w, int[] values) {
        byte[] px = new byte[h * w];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) values[i];
        }
        return new DecodedImage(1, h, w, px);
    }

    @Test
    void identityResizeThenCenterCropTakesTheMiddleWindow() {
        // 8x8, value 10y + x; size 4 at crop 0.5 resizes the short side to floor(4 / 0.5) = 8,
        // i.e. not at all, and crops rows and columns 2..5.
        int[] v = new int[64];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                v[y * 8 + x] = 10 * y + x;
            }
        }
        Preprocessing p =
                new Preprocessing(
                        0.5f, Image.Interpolation.BICUBIC, new float[] {0.5f}, new float[] {0.25f});
        float[] out = new ImagePreprocessor(p, 4, 1).apply(gray(8, 8, v));
        float[] want = new float[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                want[y * 4 + x] = ((10 * (y + 2) + (x + 2)) / 255f - 0.5f) / 0.25f;
            }
        }
        assertArrayEquals(want, out, EPS);
    }

    @Test
    void bilinearHalvingUsesPilsAntialiasedTriangleWeights() {
        // 4 -> 2: output 0 is centred on source coordinate 1.0 with a triangle of radius 2, so
        // source pixels 0, 1, 2 weigh 0.75, 0.75, 0.25 (pixel -1 is outside): 3/7, 3/7, 1/7.
        // Output 1 (centre 3.0) takes pixels 1, 2, 3 with 1/7, 3/7, 3/7. Rows are constant.
        int[] row = {0, 28, 56, 84};
        int[] v = new int[16];
        for (int i = 0; i < 16; i++) {
            v[i] = row[i % 4];
        }
        Preprocessing p =
                new Preprocessing(
                        1f, Image.Interpolation.BILINEAR, new float[] {0f}, new float[] {1f});
        float[] out = new ImagePreprocessor(p, 2, 1).apply(gray(4, 4, v));
        float left = (3 * 0 + 3 * 28 + 56) / 7f / 255f; // 20 / 255
        float right = (28 + 3 * 56 + 3 * 84) / 7f / 255f; // 64 / 255
        assertArrayEquals(new float[] {left, right, left, right}, out, EPS);
    }

    @Test
    void bicubicHalvingUsesKeysCubicWithAMinusHalf() {
        // Output 0 of 4 -> 2 is centred on 1.0; the cubic is widened to radius 4, so the taps
        // at distances 0.5, 0.5, 1.5, 2.5 (halved: 0.25, 0.25, 0.75, 1.25) weigh
        // 0.8671875, 0.8671875, 0.2265625, -0.0703125 before normalization (sum 1.890625).
        int[] row = {0, 100, 200, 250};
        int[] v = new int[16];
        for (int i = 0; i < 16; i++) {
            v[i] = row[i % 4];
        }
        Preprocessing p =
                new Preprocessing(
                        1f, Image.Interpolation.BICUBIC, new float[] {0f}, new float[] {1f});
        float[] out = new ImagePreprocessor(p, 2, 1).apply(gray(4, 4, v));
        double sum = 1.890625;
        double left = (0.8671875 * 0 + 0.8671875 * 100 + 0.2265625 * 200 - 0.0703125 * 250) / sum;
        // Output 1 mirrors it: pixels 3, 2, 1, 0 take the same weights.
        double right = (0.8671875 * 250 + 0.8671875 * 200 + 0.2265625 * 100 - 0.0703125 * 0) / sum;
        assertEquals(left / 255, out[0], EPS);
        assertEquals(right / 255, out[1], EPS);
    }

    @Test
    void grayscaleFeedsEveryChannelAndRgbFeedsGrayscaleItsLuminance() {
        Preprocessing p =
                new Preprocessing(
                        1f,
                        Image.Interpolation.BILINEAR,
                        new float[] {0.1f, 0.2f, 0.3f},
                        new float[] {0.5f, 0.25f, 0.125f});
        float[] rgb = new ImagePreprocessor(p, 1, 3).apply(gray(1, 1, new int[] {51}));
        float x = 51 / 255f;
        assertArrayEquals(
                new float[] {(x - 0.1f) / 0.5f, (x - 0.2f) / 0.25f, (x - 0.3f) / 0.125f}, rgb, EPS);
        // A grayscale model under RGB statistics takes the first channel's.
        DecodedImage color = new DecodedImage(3, 1, 1, new byte[] {(byte) 200, 100, 50});
        float[] luma = new ImagePreprocessor(p, 1, 1).apply(color);
        long y = Math.round(0.299 * 200 + 0.587 * 100 + 0.114 * 50); // 124
        assertArrayEquals(new float[] {(y / 255f - 0.1f) / 0.5f}, luma, EPS);
    }

    @Test
    void everyFamilyNormalizesWithItsOwnStatisticsAndKeepsAConstantImageConstant() {
        // Resampling weights sum to 1, so a constant image comes out as (v / 255 - mean) / std
        // whatever the geometry: 300x400 goes through resize and crop to 32x32.
        int h = 300;
        int w = 400;
        byte[] px = new byte[3 * h * w];
        int[] rgb = {255, 128, 0};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < h * w; i++) {
                px[c * h * w + i] = (byte) rgb[c];
            }
        }
        DecodedImage image = new DecodedImage(3, h, w, px);
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        for (ModelFamily family : ModelRegistry.families()) {
            Preprocessing p = family.preprocessing();
            assertArrayEquals(mean, p.mean(), family.displayName());
            assertArrayEquals(std, p.std(), family.displayName());
            float[] out = new ImagePreprocessor(p, 32, 3).apply(image);
            for (int c = 0; c < 3; c++) {
                float want = (rgb[c] / 255f - mean[c]) / std[c];
                for (int i = 0; i < 32 * 32; i++) {
                    assertEquals(want, out[c * 1024 + i], 1e-4, family.displayName());
                }
            }
        }
    }

    @Test
    void familyCropFractionsAreTheReferenceOnes() {
        assertEquals(0.875f, ModelRegistry.info("fasternet_t0").family().preprocessing().cropPct());
        assertEquals(
                0.875f, ModelRegistry.info("convnext_tiny").family().preprocessing().cropPct());
        assertEquals(0.9f, ModelRegistry.info("vit_small").family().preprocessing().cropPct());
        assertEquals(
                Image.Interpolation.BICUBIC,
                ModelRegistry.info("fasternet_t0").family().preprocessing().interpolation());
    }

    @Test
    void nonSquareImagesResizeTheShortSideAndCropTheMiddle() {
        // 2x6 (h x w), size 2, crop 1: short side 2 stays, the long side stays 6, columns 2..3.
        int[] v = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110};
        Preprocessing p =
                new Preprocessing(
                        1f, Image.Interpolation.BILINEAR, new float[] {0f}, new float[] {1f});
        float[] out = new ImagePreprocessor(p, 2, 1).apply(gray(2, 6, v));
        assertArrayEquals(new float[] {20 / 255f, 30 / 255f, 80 / 255f, 90 / 255f}, out, EPS);
    }

    @Test
    void preprocessingSurvivesItsJsonForm() {
        Preprocessing p =
                new Preprocessing(
                        1f,
                        Image.Interpolation.BILINEAR,
                        new float[] {0.286f},
                        new float[] {0.353f});
        assertEquals(p, Preprocessing.fromJson(p.toJson()));
    }
}
