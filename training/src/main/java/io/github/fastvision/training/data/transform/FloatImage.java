package io.github.fastvision.training.data.transform;

import io.github.fastvision.models.image.ImagePreprocessor;

/**
 * A float image, channels first.
 *
 * @param data C·H·W values
 * @param channels C
 * @param height H
 * @param width W
 */
public record FloatImage(float[] data, int channels, int height, int width) {

    /** Checks the buffer size. */
    public FloatImage {
        if (data.length < channels * height * width) {
            throw new IllegalArgumentException(
                    "image buffer holds "
                            + data.length
                            + " floats, need "
                            + channels * height * width);
        }
    }

    /**
     * Resamples a window of this image to {@code outH × outW} with inference's bilinear filter
     * ({@link ImagePreprocessor#resample}: antialiased when shrinking, only pixels inside the
     * window contribute).
     *
     * @param top first row of the window
     * @param left first column
     * @param regionH window height in pixels
     * @param regionW window width in pixels
     * @param outH output height
     * @param outW output width
     * @return the resampled image
     */
    public FloatImage resample(int top, int left, int regionH, int regionW, int outH, int outW) {
        float[] out =
                ImagePreprocessor.resample(
                        data,
                        channels,
                        height,
                        width,
                        ai.djl.modality.cv.Image.Interpolation.BILINEAR,
                        top,
                        left,
                        regionH,
                        regionW,
                        outH,
                        outW);
        return new FloatImage(out, channels, outH, outW);
    }
}
