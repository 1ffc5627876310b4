package io.github.fastvision.training.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * An {@link ImageDataset} over one byte array of 8-bit pixels (N, C, H, W) and an int label array.
 */
public final class InMemoryDataset implements ImageDataset {

    private final byte[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> classes;
    private final String description;

    private InMemoryDataset(Builder b) {
        byte[] pixels = b.pixels;
        int[] labels = b.labels;
        int channels = b.channels;
        int height = b.height;
        int width = b.width;
        List<String> classes = b.classes;
        String description = b.description;
        long per = (long) channels * height * width;
        if (per <= 0 || pixels.length != per * labels.length) {
            throw new IllegalArgumentException(
                    "expected "
                            + labels.length
                            + " images of "
                            + channels
                            + "x"
                            + height
                            + "x"
                            + width
                            + " = "
                            + per * labels.length
                            + " bytes but got "
                            + pixels.length);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes.size()) {
                throw new IllegalArgumentException(
                        "label "
                                + labels[i]
                                + " of image "
                                + i
                                + " is outside [0, "
                                + classes.size()
                                + ")");
            }
        }
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = List.copyOf(classes);
        this.description = description;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public void pixels(int index, float[] dst) {
        int per = channels * height * width;
        int base = index * per;
        for (int i = 0; i < per; i++) {
            dst[i] = (pixels[base + i] & 0xff) / 255f;
        }
    }

    /**
     * Writes one image as an 8-bit PNG (grayscale for one channel, RGB for three) with its stored
     * pixel values, so that decoding the file gives back exactly {@link #pixels}; the file appears
     * whole or not at all.
     *
     * @param index the image
     * @param file the PNG to write (its parent directory must exist)
     * @return {@code file}
     * @throws IOException if the file cannot be written
     * @throws IllegalStateException if the dataset has neither one nor three channels
     */
    public Path writePng(int index, Path file) throws IOException {
        if (channels != 1 && channels != 3) {
            throw new IllegalStateException(
                    "PNG images need 1 or 3 channels, but " + description + " has " + channels);
        }
        int plane = height * width;
        int base = index * channels * plane;
        BufferedImage png =
                new BufferedImage(
                        width,
                        height,
                        channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        var raster = png.getRaster();
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < plane; p++) {
                raster.setSample(p % width, p / width, c, pixels[base + c * plane + p] & 0xff);
            }
        }
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".png-", ".tmp");
        try {
            if (!ImageIO.write(png, "png", tmp.toFile())) {
                throw new IOException("no PNG writer for " + file);
            }
            Files.move(
                    tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    @Override
    public String describe() {
        return description;
    }

    /**
     * Returns the first {@code n} images per class, in their original order: a balanced subset.
     *
     * @param perClass images per class
     * @return the subset
     */
    public InMemoryDataset balancedSubset(int perClass) {
        int per = channels * height * width;
        int[] taken = new int[classes.size()];
        int count = 0;
        int[] picked = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (taken[labels[i]] < perClass) {
                taken[labels[i]]++;
                picked[count++] = i;
            }
        }
        byte[] px = new byte[count * per];
        int[] lb = new int[count];
        for (int j = 0; j < count; j++) {
            System.arraycopy(pixels, picked[j] * per, px, j * per, per);
            lb[j] = labels[picked[j]];
        }
        return builder()
                .setPixels(px)
                .setLabels(lb)
                .setImageShape(channels, height, width)
                .setClasses(classes)
                .optDescription(description + ", " + perClass + " per class")
                .build();
    }

    /** Builder for {@link InMemoryDataset}. */
    public static final class Builder {
        private static final String NAME = "InMemoryDataset";

        private byte[] pixels;
        private int[] labels;
        private int channels;
        private int height;
        private int width;
        private List<String> classes;
        private String description = "in-memory images";

        Builder() {}

        /**
         * Sets the pixels (required): N·C·H·W unsigned bytes, channels first. The array is used,
         * not copied.
         *
         * @param pixels the pixels
         * @return this builder
         */
        public Builder setPixels(byte[] pixels) {
            this.pixels = pixels;
            return this;
        }

        /**
         * Sets the labels (required): N labels in [0, classes). The array is used, not copied.
         *
         * @param labels the labels
         * @return this builder
         */
        public Builder setLabels(int[] labels) {
            this.labels = labels;
            return this;
        }

        /**
         * Sets the shape of every image (required, each at least 1).
         *
         * @param channels C
         * @param height H
         * @param width W
         * @return this builder
         */
        public Builder setImageShape(int channels, int height, int width) {
            this.channels = channels;
            this.height = height;
            this.width = width;
            return this;
        }

        /**
         * Sets the class names (required, at least 1).
         *
         * @param classes class names, label i names classes.get(i)
         * @return this builder
         */
        public Builder setClasses(List<String> classes) {
            this.classes = classes;
            return this;
        }

        /**
         * Sets what the set is, for logs (default "in-memory images").
         *
         * @param description the description
         * @return this builder
         */
        public Builder optDescription(String description) {
            if (description == null) {
                throw new IllegalArgumentException(NAME + ": description must not be null");
            }
            this.description = description;
            return this;
        }

        /**
         * Builds the dataset.
         *
         * @return the dataset
         * @throws IllegalArgumentException naming a missing value, a non-positive image side, a
         *     pixel count that does not match, or a label outside [0, classes)
         */
        public InMemoryDataset build() {
            if (pixels == null) {
                throw new IllegalArgumentException(NAME + ": pixels is required");
            }
            if (labels == null) {
                throw new IllegalArgumentException(NAME + ": labels is required");
            }
            if (classes == null || classes.isEmpty()) {
                throw new IllegalArgumentException(
                        NAME + ": classes is required (at least 1 class name)");
            }
            if (channels < 1 || height < 1 || width < 1) {
                throw new IllegalArgumentException(
                        NAME
                                + ": image shape (channels, height, width) is required, each >= 1,"
                                + " but was "
                                + channels
                                + "x"
                                + height
                                + "x"
                                + width);
            }
            return new InMemoryDataset(this);
        }
    }
}
