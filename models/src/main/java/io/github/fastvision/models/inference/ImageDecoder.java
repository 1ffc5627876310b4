package io.github.fastvision.models.inference;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes PNG and JPEG files (and whatever else {@code javax.imageio} reads: BMP, GIF) into 8-bit
 * {@link DecodedImage}s. Grayscale stays one channel and everything else becomes RGB; an alpha
 * channel is dropped (not composited), 16-bit samples are scaled to 8 bits ({@code round(v · 255 /
 * 65535)}), palette images are expanded. Grayscale samples are taken as stored, without the colour
 * conversion {@link BufferedImage#getRGB} would apply.
 *
 * <p>Decompression bombs: the declared width × height is read from the file's header before any
 * pixel is decoded and refused above {@link #maxPixels()} ({@link #DEFAULT_MAX_PIXELS} by default).
 * A decoder warning (a truncated JPEG decodes silently into a grey tail otherwise) is an error.
 * Every refusal is an {@link ImageFormatException} naming the source. Instances are immutable and
 * thread-safe.
 */
public final class ImageDecoder {

    /** The default pixel bound: 8192 × 8192 (about 200 MB of RGB pixels in memory). */
    public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;

    private static final ImageDecoder DEFAULT = new ImageDecoder(DEFAULT_MAX_PIXELS);

    private final long maxPixels;

    /**
     * Creates a decoder with a pixel bound.
     *
     * @param maxPixels largest width × height accepted, at least 1
     */
    public ImageDecoder(long maxPixels) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1 but was " + maxPixels);
        }
        this.maxPixels = maxPixels;
    }

    /**
     * Returns the decoder with the default bound.
     *
     * @return the shared decoder
     */
    public static ImageDecoder standard() {
        return DEFAULT;
    }

    /**
     * Returns the pixel bound.
     *
     * @return largest width × height accepted
     */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Decodes a file.
     *
     * @param file the image file
     * @return the image
     * @throws IOException if the file cannot be read
     * @throws ImageFormatException if it is not a decodable image or is too large
     */
    public DecodedImage decode(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ImageFormatException(file.toString(), "not a regular file", null);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new IOException("cannot open " + file);
            }
            return decode(in, file.toString());
        }
    }

    /**
     * Decodes encoded image bytes (the content of a PNG or JPEG file).
     *
     * @param bytes the encoded image
     * @param source a name for error messages (the file name, a URI)
     * @return the image
     * @throws ImageFormatException if the bytes are not a decodable image or it is too large
     */
    public DecodedImage decode(byte[] bytes, String source) {
        try (ImageInputStream in =
                ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in, source);
        } catch (IOException e) {
            throw new ImageFormatException(source, "cannot be read: " + e.getMessage(), e);
        }
    }

    private DecodedImage decode(ImageInputStream in, String source) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new ImageFormatException(
                    source, "not an image (expected PNG or JPEG; BMP and GIF also decode)", null);
        }
        ImageReader reader = readers.next();
        try {
            reader.setInput(in, true, true);
            long width;
            long height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw new ImageFormatException(
                        source,
                        "corrupt " + reader.getFormatName() + " header: " + e.getMessage(),
                        e);
            }
            if (width < 1 || height < 1 || width * height > maxPixels) {
                throw new ImageFormatException(
                        source,
                        "declares "
                                + width
                                + "x"
                                + height
                                + " pixels; at most "
                                + maxPixels
                                + " pixels are decoded (a decompression-bomb guard)",
                        null);
            }
            String[] warning = new String[1];
            reader.addIIOReadWarningListener(
                    (IIOReadWarningListener) (r, message) -> warning[0] = message);
            BufferedImage image;
            try {
                image = reader.read(0);
            } catch (IOException | RuntimeException e) {
                throw new ImageFormatException(
                        source,
                        "corrupt or truncated " + reader.getFormatName() + ": " + e.getMessage(),
                        e);
            }
            if (warning[0] != null) {
                throw new ImageFormatException(
                        source,
                        "corrupt or truncated " + reader.getFormatName() + ": " + warning[0],
                        null);
            }
            return fromBufferedImage(image);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Converts an image already in memory: grayscale stays one channel, the rest becomes RGB; alpha
     * is dropped and samples wider than 8 bits are scaled to 8.
     *
     * @param image the image
     * @return the pixels, (C, H, W)
     */
    public static DecodedImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int colorBands = raster.getNumBands() - (cm.hasAlpha() ? 1 : 0);
        int space = cm.getColorSpace().getType();
        boolean direct =
                !(cm instanceof IndexColorModel)
                        && ((colorBands == 1 && space == ColorSpace.TYPE_GRAY)
                                || (colorBands == 3 && space == ColorSpace.TYPE_RGB))
                        && raster.getTransferType() != DataBuffer.TYPE_FLOAT
                        && raster.getTransferType() != DataBuffer.TYPE_DOUBLE;
        if (direct
                && raster.getDataBuffer() instanceof DataBufferByte bytes
                && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
                && bytes.getNumBanks() == 1
                && raster.getMinX() == 0
                && raster.getMinY() == 0
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0) {
            // What ImageIO decodes 8-bit PNG and JPEG into (gray, BGR, ABGR): read the bytes
            // directly, several times faster than Raster.getSamples.
            byte[] data = bytes.getData();
            int stride = sm.getPixelStride();
            int scanline = sm.getScanlineStride();
            int[] offsets = sm.getBandOffsets();
            byte[] px = new byte[colorBands * h * w];
            for (int band = 0; band < colorBands; band++) {
                int base = band * h * w;
                int offset = offsets[band];
                for (int y = 0; y < h; y++) {
                    int src = y * scanline + offset;
                    int dst = base + y * w;
                    for (int x = 0; x < w; x++) {
                        px[dst + x] = data[src + x * stride];
                    }
                }
            }
            return new DecodedImage(colorBands, h, w, px);
        }
        if (direct) {
            byte[] px = new byte[colorBands * h * w];
            int[] row = new int[w * h];
            for (int band = 0; band < colorBands; band++) {
                int bits = cm.getComponentSize(band);
                raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, band, row);
                int base = band * h * w;
                if (bits == 8) {
                    for (int i = 0; i < row.length; i++) {
                        px[base + i] = (byte) row[i];
                    }
                } else {
                    long max = (1L << bits) - 1;
                    for (int i = 0; i < row.length; i++) {
                        px[base + i] = (byte) ((row[i] * 255L + max / 2) / max);
                    }
                }
            }
            return new DecodedImage(colorBands, h, w, px);
        }
        // Palette, CMYK-converted and other layouts: the colour model's sRGB values.
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        byte[] px = new byte[3 * h * w];
        int plane = h * w;
        for (int i = 0; i < plane; i++) {
            int v = argb[i];
            px[i] = (byte) (v >> 16);
            px[plane + i] = (byte) (v >> 8);
            px[2 * plane + i] = (byte) v;
        }
        return new DecodedImage(3, h, w, px);
    }
}
