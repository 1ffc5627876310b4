package io.github.fastvision.training.data.transform;

/**
 * A float image, channels first.
 *
 * @param data C·H·W values
 * @param channels C
 * @param height H
 * @param width W
 */
public record Image(float[] data, int channels, int height, int width) {

    /** Checks the buffer size. */
    public Image {
        if (data.length < channels * height * width) {
            throw new IllegalArgumentException(
                    "image buffer holds "
                            + data.length
                            + " floats, need "
                            + channels * height * width);
        }
    }

    /**
     * Resamples a rectangle of this image to {@code outH × outW} with bilinear interpolation (pixel
     * centres, as {@code align_corners=False}); coordinates outside are clamped to the edge.
     *
     * @param top first row of the region (may be fractional)
     * @param left first column
     * @param regionH region height in pixels
     * @param regionW region width in pixels
     * @param outH output height
     * @param outW output width
     * @return the resampled image
     */
    public Image resample(
            double top, double left, double regionH, double regionW, int outH, int outW) {
        float[] out = new float[channels * outH * outW];
        double sy = regionH / outH;
        double sx = regionW / outW;
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] fx = new float[outW];
        for (int x = 0; x < outW; x++) {
            double src = Math.min(Math.max(left + (x + 0.5) * sx - 0.5, 0), width - 1);
            x0[x] = (int) Math.floor(src);
            x1[x] = Math.min(x0[x] + 1, width - 1);
            fx[x] = (float) (src - x0[x]);
        }
        for (int y = 0; y < outH; y++) {
            double src = Math.min(Math.max(top + (y + 0.5) * sy - 0.5, 0), height - 1);
            int y0 = (int) Math.floor(src);
            int y1 = Math.min(y0 + 1, height - 1);
            float fy = (float) (src - y0);
            for (int c = 0; c < channels; c++) {
                int plane = c * height * width;
                int r0 = plane + y0 * width;
                int r1 = plane + y1 * width;
                int o = c * outH * outW + y * outW;
                for (int x = 0; x < outW; x++) {
                    float a = data[r0 + x0[x]] + (data[r0 + x1[x]] - data[r0 + x0[x]]) * fx[x];
                    float b = data[r1 + x0[x]] + (data[r1 + x1[x]] - data[r1 + x0[x]]) * fx[x];
                    out[o + x] = a + (b - a) * fy;
                }
            }
        }
        return new Image(out, channels, outH, outW);
    }
}
