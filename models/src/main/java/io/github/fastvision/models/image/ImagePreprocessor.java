package io.github.fastvision.models.image;

import ai.djl.modality.cv.Image;
import io.github.fastvision.models.Preprocessing;
import java.nio.FloatBuffer;

/**
 * The one implementation of {@link Preprocessing}: turns a {@link DecodedImage} into the model's
 * normalized (C, size, size) float input. Steps, as timm and torchvision evaluate:
 *
 * <ol>
 *   <li>channels: a grayscale image feeds every channel of an RGB model; an RGB image feeds a
 *       grayscale model its {@link #luminance} {@code round(0.299 R + 0.587 G + 0.114 B)};
 *   <li>resize the short side to {@code floor(size / cropPct)}, the long side to {@code int(that ·
 *       long / short)} (torchvision's {@code Resize(int)}), with PIL's separable filters (triangle
 *       for {@code BILINEAR}, Keys cubic a = −0.5 for {@code BICUBIC}, box for {@code AREA},
 *       widened by the scale when shrinking, i.e. antialiased), computed in float on values in [0,
 *       1]; an image already at the resized side is not resampled;
 *   <li>center-crop to size × size (offsets {@code round((resized − size) / 2)}, half to even);
 *   <li>{@code (x / 255 − mean) / std} per channel.
 * </ol>
 *
 * <p>Only the cropped window is resampled. Instances are immutable and thread-safe. The static
 * methods ({@link #toChannels}, {@link #resizeAndCrop}, {@link #resample}) expose the same channel
 * conversion and resampling to training, so its images are resized by this code too.
 */
public final class ImagePreprocessor {

    /** Longest resized side: keeps index arithmetic in int range for extreme aspect ratios. */
    private static final int MAX_RESIZED_SIDE = 1 << 24;

    private final Preprocessing preprocessing;
    private final int size;
    private final int channels;
    private final float[] mean;
    private final float[] invStd;

    /**
     * Creates a preprocessor.
     *
     * @param preprocessing the family's (or the weights') preprocessing
     * @param size the model's square input side, at least 1
     * @param channels the model's input channels, 1 or 3
     */
    public ImagePreprocessor(Preprocessing preprocessing, int size, int channels) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1 but was " + size);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3 but was " + channels);
        }
        this.preprocessing = preprocessing;
        this.size = size;
        this.channels = channels;
        this.mean = new float[channels];
        this.invStd = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = preprocessing.meanOf(c, channels);
            invStd[c] = 1f / preprocessing.stdOf(c, channels);
        }
    }

    /**
     * Returns the preprocessing this applies.
     *
     * @return the definition
     */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /**
     * Returns the output side.
     *
     * @return pixels per side
     */
    public int size() {
        return size;
    }

    /**
     * Returns the output channel count.
     *
     * @return 1 or 3
     */
    public int channels() {
        return channels;
    }

    /**
     * Returns how many floats one image becomes.
     *
     * @return channels × size × size
     */
    public int floatsPerImage() {
        return channels * size * size;
    }

    /**
     * Preprocesses an image into a new array.
     *
     * @param image the image
     * @return (C, size, size) normalized values
     */
    public float[] apply(DecodedImage image) {
        float[] out = new float[floatsPerImage()];
        apply(image, out, 0);
        return out;
    }

    /**
     * Preprocesses an image into a buffer (a tensor's own memory) at its position, advancing it by
     * {@link #floatsPerImage()}.
     *
     * @param image the image
     * @param out the destination
     */
    public void apply(DecodedImage image, FloatBuffer out) {
        out.put(apply(image));
    }

    /**
     * Preprocesses an image into an array at an offset.
     *
     * @param image the image
     * @param out the destination, with {@link #floatsPerImage()} values free from {@code offset}
     * @param offset where the image's first value goes
     */
    public void apply(DecodedImage image, float[] out, int offset) {
        int h = image.height();
        int w = image.width();
        Weights[] yx =
                cropWeights(preprocessing.interpolation(), h, w, preprocessing.cropPct(), size);
        byte[] px = image.pixels();
        int plane = h * w;
        int outPlane = size * size;
        float[] src = new float[plane];
        float[] tmp = new float[h * size];
        float[] res = new float[outPlane];
        int sourceChannels = channels == 1 ? 1 : image.channels();
        for (int c = 0; c < sourceChannels; c++) {
            if (channels == 1 && image.channels() == 3) {
                for (int i = 0; i < plane; i++) {
                    src[i] =
                            luminance(px[i] & 0xff, px[plane + i] & 0xff, px[2 * plane + i] & 0xff)
                                    / 255f;
                }
            } else {
                int base = c * plane;
                for (int i = 0; i < plane; i++) {
                    src[i] = (px[base + i] & 0xff) / 255f;
                }
            }
            resample(src, 0, w, yx[0], yx[1], tmp, res);
            // A grayscale image feeds all three channels of an RGB model.
            int targets = channels == 3 && image.channels() == 1 ? 3 : 1;
            for (int t = 0; t < targets; t++) {
                int oc = targets == 3 ? t : c;
                float m = mean[oc];
                float inv = invStd[oc];
                int o = offset + oc * outPlane;
                for (int i = 0; i < outPlane; i++) {
                    out[o + i] = (res[i] - m) * inv;
                }
            }
        }
    }

    /**
     * The grey level an RGB pixel becomes for a one-channel model (ITU-R BT.601 luma, rounded).
     *
     * @param r red, 0 to 255
     * @param g green, 0 to 255
     * @param b blue, 0 to 255
     * @return {@code round(0.299 r + 0.587 g + 0.114 b)}, 0 to 255
     */
    public static int luminance(int r, int g, int b) {
        return (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }

    /**
     * Converts an image to a model's channel count as {@link #apply} does: RGB to one channel by
     * {@link #luminance}, one channel to RGB by repeating it, otherwise unchanged.
     *
     * @param image the image
     * @param channels 1 or 3
     * @return an image with {@code channels} channels ({@code image} itself when it has them)
     */
    public static DecodedImage toChannels(DecodedImage image, int channels) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3 but was " + channels);
        }
        if (image.channels() == channels) {
            return image;
        }
        byte[] px = image.pixels();
        int plane = image.height() * image.width();
        byte[] out = new byte[channels * plane];
        if (channels == 1) {
            for (int i = 0; i < plane; i++) {
                out[i] =
                        (byte)
                                luminance(
                                        px[i] & 0xff,
                                        px[plane + i] & 0xff,
                                        px[2 * plane + i] & 0xff);
            }
        } else {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(px, 0, out, c * plane, plane);
            }
        }
        return new DecodedImage(channels, image.height(), image.width(), out);
    }

    /**
     * Returns an image's pixels as floats in [0, 1], channels first (C, H, W): the values {@link
     * #apply} resamples.
     *
     * @param image the image
     * @return {@code image.channels() * height * width} values
     */
    public static float[] toFloats(DecodedImage image) {
        byte[] px = image.pixels();
        float[] out = new float[px.length];
        for (int i = 0; i < px.length; i++) {
            out[i] = (px[i] & 0xff) / 255f;
        }
        return out;
    }

    /**
     * The resize and center crop of {@link #apply} without the normalization, on float planes:
     * short side to {@code floor(size / cropPct)}, then the centered size × size window. Training's
     * evaluation transform calls this, so it computes exactly what {@code predict} computes.
     *
     * @param planes (C, height, width) values
     * @param channels C, at least 1
     * @param height rows, at least 1
     * @param width columns, at least 1
     * @param mode the interpolation
     * @param cropPct crop fraction in (0, 1]
     * @param size output side, at least 1
     * @return (C, size, size) values
     */
    public static float[] resizeAndCrop(
            float[] planes,
            int channels,
            int height,
            int width,
            Image.Interpolation mode,
            float cropPct,
            int size) {
        checkPlanes(planes, channels, height, width);
        if (!(cropPct > 0f && cropPct <= 1f)) {
            throw new IllegalArgumentException("cropPct must be in (0, 1] but was " + cropPct);
        }
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1 but was " + size);
        }
        Weights[] yx = cropWeights(mode, height, width, cropPct, size);
        return resamplePlanes(planes, channels, height, width, yx[0], yx[1]);
    }

    /**
     * Resamples the window {@code [top, top + regionH) × [left, left + regionW)} of float planes to
     * {@code outH × outW} with the filters of {@link #apply} (antialiased when shrinking); only
     * pixels inside the window contribute, as cropping first and then resizing would.
     *
     * @param planes (C, height, width) values
     * @param channels C, at least 1
     * @param height rows, at least 1
     * @param width columns, at least 1
     * @param mode the interpolation
     * @param top first row of the window
     * @param left first column of the window
     * @param regionH window rows, at least 1
     * @param regionW window columns, at least 1
     * @param outH output rows, at least 1
     * @param outW output columns, at least 1
     * @return (C, outH, outW) values
     */
    public static float[] resample(
            float[] planes,
            int channels,
            int height,
            int width,
            Image.Interpolation mode,
            int top,
            int left,
            int regionH,
            int regionW,
            int outH,
            int outW) {
        checkPlanes(planes, channels, height, width);
        if (regionH < 1
                || regionW < 1
                || top < 0
                || left < 0
                || (long) top + regionH > height
                || (long) left + regionW > width) {
            throw new IllegalArgumentException(
                    "window "
                            + regionW
                            + "x"
                            + regionH
                            + " at ("
                            + left
                            + ", "
                            + top
                            + ") must lie inside the "
                            + width
                            + "x"
                            + height
                            + " image");
        }
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(
                    "output must be at least 1x1 but was " + outW + "x" + outH);
        }
        Weights wy = Weights.window(mode, top, regionH, outH);
        Weights wx = Weights.window(mode, left, regionW, outW);
        return resamplePlanes(planes, channels, height, width, wy, wx);
    }

    private static void checkPlanes(float[] planes, int channels, int height, int width) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException(
                    "channels, height and width must be >= 1 but were "
                            + channels
                            + ", "
                            + height
                            + " and "
                            + width);
        }
        if (planes.length < (long) channels * height * width) {
            throw new IllegalArgumentException(
                    "expected "
                            + channels
                            + "x"
                            + height
                            + "x"
                            + width
                            + " values but got "
                            + planes.length);
        }
    }

    /** The vertical and horizontal weights of {@link #apply}'s resize and center crop. */
    private static Weights[] cropWeights(
            Image.Interpolation mode, int h, int w, float cropPct, int size) {
        int shortSide = Math.min(h, w);
        int longSide = Math.max(h, w);
        int scaled = (int) Math.floor(size / (double) cropPct);
        double scaledLongExact = (double) scaled * longSide / shortSide;
        if (scaledLongExact > MAX_RESIZED_SIDE) {
            throw new IllegalArgumentException(
                    "a "
                            + w
                            + "x"
                            + h
                            + " image resized to a short side of "
                            + scaled
                            + " would have a long side over "
                            + MAX_RESIZED_SIDE
                            + "; the aspect ratio is too extreme");
        }
        int scaledLong = (int) scaledLongExact;
        int rh = h <= w ? scaled : scaledLong;
        int rw = h <= w ? scaledLong : scaled;
        int top = (int) Math.rint((rh - size) / 2.0);
        int left = (int) Math.rint((rw - size) / 2.0);
        return new Weights[] {
            Weights.of(mode, h, rh, top, size), Weights.of(mode, w, rw, left, size)
        };
    }

    private static float[] resamplePlanes(
            float[] planes, int channels, int h, int w, Weights wy, Weights wx) {
        int outH = wy.start.length;
        int outW = wx.start.length;
        float[] out = new float[channels * outH * outW];
        float[] tmp = new float[h * outW];
        float[] res = new float[outH * outW];
        for (int c = 0; c < channels; c++) {
            resample(planes, c * h * w, w, wy, wx, tmp, res);
            System.arraycopy(res, 0, out, c * res.length, res.length);
        }
        return out;
    }

    /**
     * Resamples the plane starting at {@code base} of {@code src} (rows of {@code w}) into {@code
     * res}, {@code wy.count × wx.count}.
     */
    private static void resample(
            float[] src, int base, int w, Weights wy, Weights wx, float[] tmp, float[] res) {
        int outW = wx.start.length;
        int outH = wy.start.length;
        // Horizontal pass over the source rows the vertical pass reads.
        int firstRow = wy.start[0];
        int lastRow = wy.start[outH - 1] + wy.length[outH - 1];
        for (int y = firstRow; y < lastRow; y++) {
            int row = base + y * w;
            int t = y * outW;
            for (int x = 0; x < outW; x++) {
                if (wx.identity) {
                    tmp[t + x] = src[row + wx.start[x]];
                    continue;
                }
                float sum = 0;
                int s = wx.start[x];
                int k0 = x * wx.stride;
                for (int k = 0; k < wx.length[x]; k++) {
                    sum += wx.weights[k0 + k] * src[row + s + k];
                }
                tmp[t + x] = sum;
            }
        }
        for (int y = 0; y < outH; y++) {
            int o = y * outW;
            if (wy.identity) {
                System.arraycopy(tmp, wy.start[y] * outW, res, o, outW);
                continue;
            }
            int s = wy.start[y];
            int k0 = y * wy.stride;
            for (int x = 0; x < outW; x++) {
                float sum = 0;
                for (int k = 0; k < wy.length[y]; k++) {
                    sum += wy.weights[k0 + k] * tmp[(s + k) * outW + x];
                }
                res[o + x] = sum;
            }
        }
    }

    /** Per output pixel of one axis: the first source index, the tap count and the weights. */
    private static final class Weights {
        final int[] start;
        final int[] length;
        final float[] weights;
        final int stride;
        final boolean identity;

        private Weights(int[] start, int[] length, float[] weights, int stride, boolean identity) {
            this.start = start;
            this.length = length;
            this.weights = weights;
            this.stride = stride;
            this.identity = identity;
        }

        /**
         * PIL's {@code precompute_coeffs} for the output pixels {@code offset .. offset + count} of
         * a resize from {@code in} to {@code resized}.
         */
        static Weights of(Image.Interpolation mode, int in, int resized, int offset, int count) {
            int[] start = new int[count];
            int[] length = new int[count];
            double scale = (double) in / resized;
            if (in == resized || mode == Image.Interpolation.NEAREST) {
                for (int i = 0; i < count; i++) {
                    start[i] =
                            in == resized
                                    ? i + offset
                                    : Math.min((int) ((i + offset + 0.5) * scale), in - 1);
                    length[i] = 1;
                }
                return new Weights(start, length, new float[0], 0, true);
            }
            double support = support(mode);
            double filterScale = Math.max(scale, 1.0);
            double reach = support * filterScale;
            int stride = (int) Math.ceil(reach) * 2 + 1;
            float[] weights = new float[count * stride];
            double inv = 1.0 / filterScale;
            for (int i = 0; i < count; i++) {
                double center = (i + offset + 0.5) * scale;
                int lo = Math.max((int) (center - reach + 0.5), 0);
                int hi = Math.min((int) (center + reach + 0.5), in);
                double[] ws = new double[hi - lo];
                double total = 0;
                for (int j = lo; j < hi; j++) {
                    double v = filter(mode, (j - center + 0.5) * inv);
                    ws[j - lo] = v;
                    total += v;
                }
                start[i] = lo;
                length[i] = hi - lo;
                for (int k = 0; k < ws.length; k++) {
                    weights[i * stride + k] = (float) (total == 0 ? 0 : ws[k] / total);
                }
            }
            return new Weights(start, length, weights, stride, false);
        }

        /**
         * The weights of the window {@code [first, first + in)} of an axis resized to {@code out}
         * pixels: those of resizing the cropped window, shifted to the window's position.
         */
        static Weights window(Image.Interpolation mode, int first, int in, int out) {
            Weights w = of(mode, in, out, 0, out);
            for (int i = 0; i < out; i++) {
                w.start[i] += first;
            }
            return w;
        }

        private static double support(Image.Interpolation mode) {
            switch (mode) {
                case BICUBIC:
                    return 2.0;
                case AREA:
                    return 0.5;
                default:
                    return 1.0;
            }
        }

        private static double filter(Image.Interpolation mode, double x) {
            double a = Math.abs(x);
            switch (mode) {
                case BICUBIC:
                    // Keys' cubic convolution with a = -0.5, as PIL.
                    if (a < 1) {
                        return (1.5 * a - 2.5) * a * a + 1;
                    }
                    return a < 2 ? ((-0.5 * a + 2.5) * a - 4) * a + 2 : 0;
                case AREA:
                    return x >= -0.5 && x < 0.5 ? 1 : 0;
                default:
                    return a < 1 ? 1 - a : 0;
            }
        }
    }
}
