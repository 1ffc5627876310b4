package io.github.fastvision.models.inference;

import io.github.fastvision.models.image.DecodedImage;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataFormatImpl;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Decodes PNG and JPEG files (and whatever else {@code javax.imageio} reads: BMP, GIF, TIFF) into
 * 8-bit {@link DecodedImage}s. Grayscale stays one channel and everything else becomes RGB; an
 * alpha channel is dropped (not composited), 16-bit samples are scaled to 8 bits ({@code round(v ·
 * 255 / 65535)}), palette images are expanded. Grayscale samples are taken as stored, without the
 * colour conversion {@link BufferedImage#getRGB} would apply.
 *
 * <p>CMYK JPEGs convert as Pillow's {@code Image.open(f).convert("RGB")} does, without colour
 * management: the stored samples are taken as Adobe-inverted (as Photoshop and Pillow write them,
 * and as Pillow reads every CMYK JPEG), so with {@code C, M, Y, K} the true ink values in 0..255,
 * {@code R = (255 − K) − round((255 − K) · C / 255)} and likewise G from M and B from Y (Pillow's
 * {@code cmyk2rgb}). An embedded ICC profile is ignored, as Pillow ignores it. (YCCK JPEGs, Adobe
 * transform 2, take the same path but no fixture covers them.) A CMYK {@link BufferedImage} given
 * to {@link #fromBufferedImage} holds ink values, as {@code ImageIO.read} returns them.
 *
 * <p>Memory is bounded before any pixel is decoded: the declared width × height is read from the
 * file's header and refused above {@link #maxPixels()} ({@link #DEFAULT_MAX_PIXELS} by default, a
 * decompression-bomb guard), and the bytes the decoded raster would take (width × height × samples
 * per pixel × bytes per sample, after subsampling) are refused above {@link #maxBytes()} ({@link
 * #DEFAULT_MAX_BYTES} by default). Given a target side (the short side the caller will resize to),
 * an image at least {@link #OVERSAMPLING} times larger is read subsampled by an integer factor
 * ({@link ImageReadParam#setSourceSubsampling}), keeping a short side of at least {@code
 * OVERSAMPLING × target}, so a large photo never exists in memory at full resolution; the caller's
 * antialiased resize then works on the subsampled pixels. A decoder warning (a truncated JPEG
 * decodes silently into a grey tail otherwise) is an error. Every refusal is an {@link
 * ImageFormatException} naming the source. Instances are immutable and thread-safe.
 */
public final class ImageDecoder {

    /** The default pixel bound: 8192 × 8192 (about 200 MB of RGB pixels in memory). */
    public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;

    /** The default decoded-bytes bound: 8192 × 8192 × 4 bytes (256 MiB). */
    public static final long DEFAULT_MAX_BYTES = 8192L * 8192L * 4L;

    /**
     * How many times the target side a subsampled image keeps, so the caller's antialiased resize
     * still averages several source pixels per output pixel.
     */
    public static final int OVERSAMPLING = 4;

    private static final ImageDecoder DEFAULT =
            new ImageDecoder(DEFAULT_MAX_PIXELS, DEFAULT_MAX_BYTES);

    private final long maxPixels;
    private final long maxBytes;

    /**
     * Creates a decoder with a pixel bound and the default bytes bound.
     *
     * @param maxPixels largest width × height accepted, at least 1
     */
    public ImageDecoder(long maxPixels) {
        this(maxPixels, DEFAULT_MAX_BYTES);
    }

    /**
     * Creates a decoder with a pixel and a bytes bound.
     *
     * @param maxPixels largest declared width × height accepted, at least 1
     * @param maxBytes largest decoded raster accepted, in bytes, at least 1
     */
    public ImageDecoder(long maxPixels, long maxBytes) {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels must be >= 1 but was " + maxPixels);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1 but was " + maxBytes);
        }
        this.maxPixels = maxPixels;
        this.maxBytes = maxBytes;
    }

    /**
     * Returns the decoder with the default bounds.
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
     * Returns the decoded-bytes bound.
     *
     * @return largest decoded raster accepted, in bytes
     */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Decodes a file at full resolution.
     *
     * @param file the image file
     * @return the image
     * @throws IOException if the file cannot be read
     * @throws ImageFormatException if it is not a decodable image or is too large
     */
    public DecodedImage decode(Path file) throws IOException {
        return decode(file, 0);
    }

    /**
     * Decodes a file, subsampled when it is much larger than the caller needs.
     *
     * @param file the image file
     * @param targetSide the short side the caller resizes to, or 0 for full resolution
     * @return the image
     * @throws IOException if the file cannot be read (the message names the file)
     * @throws ImageFormatException if it is not a decodable image or is too large
     */
    public DecodedImage decode(Path file, int targetSide) throws IOException {
        checkTarget(targetSide);
        if (Files.isDirectory(file)) {
            throw new ImageFormatException(file.toString(), "is a directory, not an image", null);
        }
        if (!Files.isRegularFile(file)) {
            throw new ImageFormatException(
                    file.toString(),
                    Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.exists(file)
                            ? "is a dangling symbolic link"
                            : Files.exists(file)
                                    ? "not a regular file (a FIFO, socket or device)"
                                    : "does not exist",
                    null);
        }
        ImageInputStream in;
        try {
            in = new FileImageInputStream(file.toFile());
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try (in) {
            try {
                // A read error (an I/O error, a file that vanished) is reported as one, not as
                // "not an image" as the readers' format probes would.
                in.mark();
                in.read();
                in.reset();
            } catch (IOException e) {
                throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            return decode(in, file.toString(), targetSide);
        }
    }

    /**
     * Decodes encoded image bytes (the content of a PNG or JPEG file) at full resolution.
     *
     * @param bytes the encoded image
     * @param source a name for error messages (the file name, a URI)
     * @return the image
     * @throws ImageFormatException if the bytes are not a decodable image or it is too large
     */
    public DecodedImage decode(byte[] bytes, String source) {
        return decode(bytes, source, 0);
    }

    /**
     * Decodes encoded image bytes, subsampled when the image is much larger than the caller needs.
     *
     * @param bytes the encoded image
     * @param source a name for error messages (the file name, a URI)
     * @param targetSide the short side the caller resizes to, or 0 for full resolution
     * @return the image
     * @throws ImageFormatException if the bytes are not a decodable image or it is too large
     */
    public DecodedImage decode(byte[] bytes, String source, int targetSide) {
        checkTarget(targetSide);
        try (ImageInputStream in =
                ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            return decode(in, source, targetSide);
        } catch (IOException e) {
            throw new ImageFormatException(source, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static void checkTarget(int targetSide) {
        if (targetSide < 0) {
            throw new IllegalArgumentException("targetSide must be >= 0 but was " + targetSide);
        }
    }

    /**
     * The integer subsampling factor for an image whose short side is {@code shortSide}: the
     * largest that keeps at least {@link #OVERSAMPLING} × {@code targetSide}, 1 without a target.
     */
    static int subsampling(long shortSide, int targetSide) {
        if (targetSide <= 0) {
            return 1;
        }
        long keep = (long) OVERSAMPLING * targetSide;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, shortSide / keep));
    }

    private DecodedImage decode(ImageInputStream in, String source, int targetSide)
            throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new ImageFormatException(
                    source, "not an image (expected PNG or JPEG; BMP and GIF also decode)", null);
        }
        ImageReader reader = readers.next();
        try {
            reader.setInput(in, true, true);
            String format = reader.getFormatName();
            long width;
            long height;
            try {
                width = reader.getWidth(0);
                height = reader.getHeight(0);
            } catch (IOException | RuntimeException e) {
                throw new ImageFormatException(
                        source, "corrupt " + format + " header: " + e.getMessage(), e);
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
            int factor = subsampling(Math.min(width, height), targetSide);
            long outWidth = (width + factor - 1) / factor;
            long outHeight = (height + factor - 1) / factor;
            long bytesPerPixel = bytesPerPixel(reader, source, format);
            long bytes = saturatingProduct(outWidth * outHeight, bytesPerPixel);
            if (bytes > maxBytes) {
                throw new ImageFormatException(
                        source,
                        "declares "
                                + width
                                + "x"
                                + height
                                + " pixels of "
                                + bytesPerPixel
                                + " bytes each"
                                + (factor > 1
                                        ? " (" + outWidth + "x" + outHeight + " subsampled)"
                                        : "")
                                + ", "
                                + bytes
                                + " bytes decoded; at most "
                                + maxBytes
                                + " bytes are decoded",
                        null);
            }
            String[] warning = new String[1];
            reader.addIIOReadWarningListener(
                    (IIOReadWarningListener) (r, message) -> warning[0] = message);
            ImageReadParam param = reader.getDefaultReadParam();
            if (factor > 1) {
                param.setSourceSubsampling(factor, factor, 0, 0);
            }
            boolean cmyk = isCmykJpeg(reader, format);
            BufferedImage image = null;
            Raster raw = null;
            try {
                if (cmyk) {
                    // The raw samples: read() inverts them only when it sees an Adobe marker,
                    // Pillow always does.
                    raw = reader.readRaster(0, param);
                } else {
                    image = reader.read(0, param);
                }
            } catch (IOException | RuntimeException e) {
                throw new ImageFormatException(
                        source, "corrupt or truncated " + format + ": " + e.getMessage(), e);
            }
            if (warning[0] != null) {
                throw new ImageFormatException(
                        source, "corrupt or truncated " + format + ": " + warning[0], null);
            }
            try {
                return cmyk
                        ? fromCmyk(raw, new int[] {8, 8, 8, 8}, true)
                        : fromBufferedImage(image);
            } catch (IllegalArgumentException e) {
                throw new ImageFormatException(source, e.getMessage(), e);
            }
        } finally {
            reader.dispose();
        }
    }

    /** {@code a × b} for non-negative values, {@link Long#MAX_VALUE} where it would overflow. */
    private static long saturatingProduct(long a, long b) {
        return Math.multiplyHigh(a, b) != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    /** Whether the reader decodes a four-channel (CMYK or YCCK) JPEG. */
    private static boolean isCmykJpeg(ImageReader reader, String format) {
        if (!"jpeg".equalsIgnoreCase(format)) {
            return false;
        }
        try {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            return types != null
                    && types.hasNext()
                    && types.next().getColorModel().getColorSpace().getType()
                            == ColorSpace.TYPE_CMYK;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The bytes one pixel of the decoded raster takes: the reader's default destination layout,
     * else the samples per pixel and bits per sample its metadata declares.
     */
    private static long bytesPerPixel(ImageReader reader, String source, String format) {
        try {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            if (types != null && types.hasNext()) {
                SampleModel sm = types.next().getSampleModel(1, 1);
                int bits = DataBuffer.getDataTypeSize(sm.getDataType());
                return Math.max(1, (long) sm.getNumDataElements() * bits / 8);
            }
        } catch (IOException | RuntimeException e) {
            // Some readers describe only what they can decode; the metadata below still counts.
        }
        try {
            IIOMetadata metadata = reader.getImageMetadata(0);
            if (metadata != null && metadata.isStandardMetadataFormatSupported()) {
                Node root = metadata.getAsTree(IIOMetadataFormatImpl.standardMetadataFormatName);
                long channels = attribute(root, "NumChannels", "value", 1);
                long bits = attribute(root, "BitsPerSample", "value", 8);
                return Math.max(1, channels * ((bits + 7) / 8));
            }
        } catch (IOException | RuntimeException e) {
            throw new ImageFormatException(
                    source, "corrupt " + format + " header: " + e.getMessage(), e);
        }
        throw new ImageFormatException(
                source, "the " + format + " reader does not describe its samples", null);
    }

    /** The largest number in a space-separated attribute of the first node so named. */
    private static long attribute(Node node, String name, String attribute, long fallback) {
        if (name.equals(node.getNodeName()) && node instanceof Element e) {
            long max = -1;
            for (String v : e.getAttribute(attribute).trim().split("\\s+")) {
                try {
                    max = Math.max(max, Long.parseLong(v));
                } catch (NumberFormatException ignored) {
                    // A value that is not a number says nothing about the size.
                }
            }
            return max >= 0 ? max : fallback;
        }
        for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
            long v = attribute(c, name, attribute, -1);
            if (v >= 0) {
                return v;
            }
        }
        return fallback;
    }

    /**
     * Converts an image already in memory: grayscale stays one channel, CMYK becomes RGB as Pillow
     * converts it (see the class comment), the rest becomes RGB through its colour model; alpha is
     * dropped and samples wider than 8 bits are scaled to 8.
     *
     * @param image the image
     * @return the pixels, (C, H, W)
     * @throws IllegalArgumentException if the image is too large for one array
     */
    public static DecodedImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (3L * w * h > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "a " + w + "x" + h + " image is too large to convert into one array");
        }
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        int colorBands = raster.getNumBands() - (cm.hasAlpha() ? 1 : 0);
        int space = cm.getColorSpace().getType();
        boolean integral =
                raster.getTransferType() != DataBuffer.TYPE_FLOAT
                        && raster.getTransferType() != DataBuffer.TYPE_DOUBLE;
        boolean direct =
                !(cm instanceof IndexColorModel)
                        && ((colorBands == 1 && space == ColorSpace.TYPE_GRAY)
                                || (colorBands == 3 && space == ColorSpace.TYPE_RGB))
                        && integral;
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
        // The slower paths go row by row, so they need no whole-image int array.
        int[] row = new int[w];
        int x0 = raster.getMinX();
        int y0 = raster.getMinY();
        if (direct) {
            byte[] px = new byte[colorBands * h * w];
            for (int band = 0; band < colorBands; band++) {
                int bits = cm.getComponentSize(band);
                long max = (1L << bits) - 1;
                for (int y = 0; y < h; y++) {
                    raster.getSamples(x0, y0 + y, w, 1, band, row);
                    int base = (band * h + y) * w;
                    for (int x = 0; x < w; x++) {
                        px[base + x] =
                                (byte) (bits == 8 ? row[x] : (row[x] * 255L + max / 2) / max);
                    }
                }
            }
            return new DecodedImage(colorBands, h, w, px);
        }
        int plane = h * w;
        byte[] px = new byte[3 * plane];
        if (colorBands == 4 && space == ColorSpace.TYPE_CMYK && integral) {
            int[] bits = new int[4];
            for (int band = 0; band < 4; band++) {
                bits[band] = cm.getComponentSize(band);
            }
            return fromCmyk(raster, bits, false);
        }
        // Palette, float and other layouts: the colour model's sRGB values.
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int o = y * w;
            for (int x = 0; x < w; x++) {
                int v = row[x];
                px[o + x] = (byte) (v >> 16);
                px[plane + o + x] = (byte) (v >> 8);
                px[2 * plane + o + x] = (byte) v;
            }
        }
        return new DecodedImage(3, h, w, px);
    }

    /**
     * Converts a CMYK raster to RGB with Pillow's arithmetic.
     *
     * @param raster four bands, C, M, Y, K
     * @param bits each band's sample size
     * @param inverted whether samples are stored as {@code max − ink} (Adobe's convention)
     */
    private static DecodedImage fromCmyk(Raster raster, int[] bits, boolean inverted) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int plane = h * w;
        byte[] px = new byte[3 * plane];
        int[][] rows = new int[4][w];
        for (int y = 0; y < h; y++) {
            for (int band = 0; band < 4; band++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, rows[band]);
            }
            int o = y * w;
            for (int x = 0; x < w; x++) {
                int notK = 255 - ink(rows[3][x], bits[3], inverted);
                for (int c = 0; c < 3; c++) {
                    px[c * plane + o + x] =
                            (byte) cmykToRgb(ink(rows[c][x], bits[c], inverted), notK);
                }
            }
        }
        return new DecodedImage(3, h, w, px);
    }

    /** A sample as ink in 0..255. */
    private static int ink(int sample, int bits, boolean inverted) {
        int v = eightBits(sample, bits);
        return inverted ? 255 - v : v;
    }

    private static int eightBits(int sample, int bits) {
        if (bits == 8) {
            return sample;
        }
        long max = (1L << bits) - 1;
        return (int) ((sample * 255L + max / 2) / max);
    }

    /**
     * Pillow's {@code cmyk2rgb} for one channel: {@code (255 − K) − round((255 − K) · ink / 255)}
     * with its integer rounding.
     *
     * @param ink the channel's ink, 0..255
     * @param notK {@code 255 − K}
     * @return the RGB value
     */
    static int cmykToRgb(int ink, int notK) {
        int t = ink * notK + 128;
        return Math.max(0, Math.min(255, notK - (((t >> 8) + t) >> 8)));
    }
}
