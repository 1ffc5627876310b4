package io.github.fastvision.models;

import ai.djl.modality.cv.Image;
import io.github.fastvision.core.io.Json;
import java.util.Arrays;

/**
 * A family's evaluation preprocessing as its reference code defines it: resize the short side to
 * {@code floor(size / cropPct)} with {@code interpolation}, center-crop to size, scale to [0, 1],
 * normalize per channel. The size and channel count come from the model's {@link ModelOptions} (or
 * the weights file). {@code models.image.ImagePreprocessor} is the one implementation; the {@code
 * Criteria} translator, {@code fastvision predict} and {@code embed} all use it.
 *
 * @param cropPct crop fraction in (0, 1] (0.875 for the CNNs, 0.9 for timm's ViT/PiT, 1 for no
 *     crop)
 * @param interpolation resize interpolation
 * @param mean per-channel mean (one value serves every channel)
 * @param std per-channel standard deviation, positive
 */
public record Preprocessing(
        float cropPct, Image.Interpolation interpolation, float[] mean, float[] std) {

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /** Checks the values and copies the arrays. */
    public Preprocessing {
        if (!(cropPct > 0f && cropPct <= 1f)) {
            throw new IllegalArgumentException("cropPct must be in (0, 1] but was " + cropPct);
        }
        if (interpolation == null) {
            throw new IllegalArgumentException("interpolation is required");
        }
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException(
                    "mean and std need one value per channel (the same count, at least 1) but have "
                            + (mean == null ? "none" : mean.length)
                            + " and "
                            + (std == null ? "none" : std.length));
        }
        for (float s : std) {
            if (!(s > 0f)) {
                throw new IllegalArgumentException(
                        "std must be positive but is " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * ImageNet statistics and bicubic resizing with a family's crop fraction.
     *
     * @param cropPct crop fraction in (0, 1]
     * @return the preprocessing
     */
    public static Preprocessing imagenet(float cropPct) {
        return new Preprocessing(cropPct, Image.Interpolation.BICUBIC, IMAGENET_MEAN, IMAGENET_STD);
    }

    /**
     * Returns the per-channel mean.
     *
     * @return a copy
     */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /**
     * Returns the per-channel standard deviation.
     *
     * @return a copy
     */
    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * The mean for channel {@code c} of an image with {@code channels} channels: per channel when
     * the counts agree, else the first value for every channel (a grayscale model under RGB
     * statistics).
     *
     * @param c channel index
     * @param channels the image's channel count
     * @return the mean
     */
    public float meanOf(int c, int channels) {
        return channels == mean.length ? mean[c] : mean[0];
    }

    /**
     * The standard deviation for channel {@code c}, chosen as {@link #meanOf} chooses the mean.
     *
     * @param c channel index
     * @param channels the image's channel count
     * @return the standard deviation
     */
    public float stdOf(int c, int channels) {
        return channels == std.length ? std[c] : std[0];
    }

    /**
     * The JSON form a weights file records ({@code WeightsFile.PREPROCESSING}).
     *
     * @return a JSON object with {@code crop_pct}, {@code interpolation}, {@code mean}, {@code std}
     */
    public String toJson() {
        return Json.toJson(this);
    }

    /**
     * Parses {@link #toJson()}'s form.
     *
     * @param json the document
     * @return the preprocessing
     * @throws IllegalArgumentException if the document is malformed or its values out of range
     */
    public static Preprocessing fromJson(String json) {
        Preprocessing p;
        try {
            p = Json.fromJson(json, Preprocessing.class);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed preprocessing record: " + json, e);
        }
        if (p == null) {
            throw new IllegalArgumentException("malformed preprocessing record: " + json);
        }
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p
                && cropPct == p.cropPct
                && interpolation == p.interpolation
                && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Float.hashCode(cropPct) + interpolation.hashCode())
                + 17 * Arrays.hashCode(mean)
                + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Preprocessing[cropPct="
                + cropPct
                + ", interpolation="
                + interpolation
                + ", mean="
                + Arrays.toString(mean)
                + ", std="
                + Arrays.toString(std)
                + "]";
    }
}
