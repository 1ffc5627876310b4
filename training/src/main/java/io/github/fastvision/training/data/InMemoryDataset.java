package io.github.fastvision.training.data;

import java.util.List;

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

    /**
     * Wraps pixels and labels.
     *
     * @param pixels N·C·H·W unsigned bytes, channels first
     * @param labels N labels in [0, classes)
     * @param channels C
     * @param height H
     * @param width W
     * @param classes class names
     * @param description what the set is, for logs
     */
    public InMemoryDataset(
            byte[] pixels,
            int[] labels,
            int channels,
            int height,
            int width,
            List<String> classes,
            String description) {
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
        return new InMemoryDataset(
                px,
                lb,
                channels,
                height,
                width,
                classes,
                description + ", " + perClass + " per class");
    }
}
