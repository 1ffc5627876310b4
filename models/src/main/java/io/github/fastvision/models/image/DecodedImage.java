package io.github.fastvision.models.image;

/**
 * A decoded image: 8-bit pixels, channel-major (C, H, W), grayscale (1 channel) or RGB (3). What
 * {@link io.github.fastvision.models.inference.ImageDecoder} returns and {@link ImagePreprocessor}
 * takes.
 */
public final class DecodedImage {

    private final int channels;
    private final int height;
    private final int width;
    private final byte[] pixels;

    /**
     * Wraps pixels without copying them.
     *
     * @param channels 1 (grayscale) or 3 (RGB)
     * @param height rows, at least 1
     * @param width columns, at least 1
     * @param pixels {@code channels * height * width} unsigned 8-bit values, (C, H, W) order
     */
    public DecodedImage(int channels, int height, int width, byte[] pixels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3 but was " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "height and width must be >= 1 but were " + height + " and " + width);
        }
        if (pixels.length != (long) channels * height * width) {
            throw new IllegalArgumentException(
                    "expected "
                            + channels
                            + "x"
                            + height
                            + "x"
                            + width
                            + " = "
                            + (long) channels * height * width
                            + " pixels but got "
                            + pixels.length);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.pixels = pixels;
    }

    /**
     * Returns the channel count.
     *
     * @return 1 or 3
     */
    public int channels() {
        return channels;
    }

    /**
     * Returns the height.
     *
     * @return rows
     */
    public int height() {
        return height;
    }

    /**
     * Returns the width.
     *
     * @return columns
     */
    public int width() {
        return width;
    }

    /**
     * Returns one pixel value.
     *
     * @param c channel
     * @param y row
     * @param x column
     * @return 0 to 255
     */
    public int get(int c, int y, int x) {
        return pixels[(c * height + y) * width + x] & 0xff;
    }

    /**
     * Returns the pixel array itself (not a copy), (C, H, W) order.
     *
     * @return the pixels
     */
    byte[] pixels() {
        return pixels;
    }
}
