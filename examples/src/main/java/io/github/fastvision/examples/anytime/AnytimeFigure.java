package io.github.fastvision.examples.anytime;

import io.github.fastvision.core.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws what an anytime dense prediction network saw and decided at each exit, as the thesis's
 * Figure 2.4: a PNG with one column per exit and three rows, (0) the exit's predicted classes in a
 * fixed palette, (1) its confidence (maximum class probability) on a blue-to-yellow ramp and (2)
 * which positions it still computed (white) and which it skipped because an earlier exit was
 * confident (black). A left-most column shows the ground truth in row 0, next to the predictions,
 * and the grayscale input in row 1; a legend strip of class names and colours closes the figure.
 *
 * <p>Layout, with {@code cell = size * scale} and {@code E} exits: column {@code c} (0 = input and
 * truth, {@code i + 1} = exit {@code i}) starts at {@code x = LABEL_WIDTH + c * (cell + GAP)} and
 * row {@code r} at {@code y = TITLE_HEIGHT + r * (cell + GAP)}; the figure is {@code LABEL_WIDTH +
 * (E + 1) * (cell + GAP)} wide and {@code TITLE_HEIGHT + 3 * (cell + GAP) + legend} high, where the
 * legend holds {@code max(1, width / LEGEND_ENTRY_WIDTH)} entries per row of {@code
 * LEGEND_ROW_HEIGHT} pixels. Drawing needs no display: the class sets {@code
 * java.awt.headless=true} unless the property is already set.
 */
public final class AnytimeFigure {

    /** Left margin holding the row names, in pixels. */
    public static final int LABEL_WIDTH = 80;

    /** Height of the strip of column titles, in pixels. */
    public static final int TITLE_HEIGHT = 20;

    /** White space after every cell, right and below, in pixels. */
    public static final int GAP = 4;

    /** Width of one legend entry (swatch and name), in pixels. */
    public static final int LEGEND_ENTRY_WIDTH = 120;

    /** Height of one legend row, in pixels. */
    public static final int LEGEND_ROW_HEIGHT = 18;

    /** Colour of the background class (the last class), dark gray. */
    public static final int BACKGROUND_COLOR = 0x404040;

    /** Colour of ground-truth pixels whose label is outside the classes (ignored pixels): black. */
    public static final int IGNORED_COLOR = 0x000000;

    /** Colour of a computed position in the mask row. */
    public static final int COMPUTED_COLOR = 0xFFFFFF;

    /** Colour of a skipped position in the mask row. */
    public static final int SKIPPED_COLOR = 0x000000;

    /** Confidence 0 on the ramp: dark blue. */
    public static final int LOW_CONFIDENCE_COLOR = 0x141E8C;

    /** Confidence 1 on the ramp: yellow. */
    public static final int HIGH_CONFIDENCE_COLOR = 0xFAE628;

    /**
     * Matplotlib's "tab10" colours, with its gray replaced by gold so none is near the background.
     */
    private static final int[] PALETTE = {
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0xFFD92F, 0xBCBD22,
        0x17BECF
    };

    private static final String[] ROW_NAMES = {"prediction", "confidence", "computed"};

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private AnytimeFigure() {}

    /**
     * Returns a builder of the figure; {@link Builder#write(Path)} validates and writes it.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Writes the figure atomically (a temporary file in the same directory, then a rename). */
    private static void write(
            Path png,
            float[] image,
            int size,
            int[] groundTruth,
            List<int[]> predictions,
            List<float[]> confidence,
            List<boolean[]> computed,
            List<String> classNames,
            int scale)
            throws IOException {
        validate(image, size, groundTruth, predictions, confidence, computed, classNames, scale);
        BufferedImage figure =
                render(
                        image,
                        size,
                        groundTruth,
                        predictions,
                        confidence,
                        computed,
                        classNames,
                        scale);
        Path target = png.toAbsolutePath();
        Files.createDirectories(target.getParent());
        AtomicFiles.write(
                target,
                out -> {
                    if (!ImageIO.write(figure, "png", out)) {
                        throw new IOException("no PNG writer is available to write " + target);
                    }
                });
    }

    /**
     * Returns the palette colour of a class: the background (last) class is {@link
     * #BACKGROUND_COLOR}, the others take distinct fixed colours (tab10 first, then hues spaced by
     * the golden angle).
     *
     * @param cls class index in [0, numClasses)
     * @param numClasses number of classes, background included
     * @return 0xRRGGBB
     */
    public static int color(int cls, int numClasses) {
        if (cls < 0 || cls >= numClasses) {
            throw new IllegalArgumentException(
                    "class " + cls + " is outside [0, " + numClasses + ")");
        }
        if (cls == numClasses - 1) {
            return BACKGROUND_COLOR;
        }
        if (cls < PALETTE.length) {
            return PALETTE[cls];
        }
        float hue = (float) ((cls - PALETTE.length) * 0.618033988749895 % 1.0);
        return Color.HSBtoRGB(hue, 0.65f, 0.95f) & 0xFFFFFF;
    }

    /**
     * Returns the confidence ramp's colour: linear from {@link #LOW_CONFIDENCE_COLOR} at 0 to
     * {@link #HIGH_CONFIDENCE_COLOR} at 1.
     *
     * @param confidence a probability in [0, 1] (clamped)
     * @return 0xRRGGBB
     */
    public static int confidenceColor(float confidence) {
        float t = Math.min(Math.max(confidence, 0f), 1f);
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int lo = (LOW_CONFIDENCE_COLOR >> shift) & 0xFF;
            int hi = (HIGH_CONFIDENCE_COLOR >> shift) & 0xFF;
            rgb |= Math.round(lo + (hi - lo) * t) << shift;
        }
        return rgb;
    }

    private static void validate(
            float[] image,
            int size,
            int[] groundTruth,
            List<int[]> predictions,
            List<float[]> confidence,
            List<boolean[]> computed,
            List<String> classNames,
            int scale) {
        if (size < 1 || scale < 1) {
            throw new IllegalArgumentException(
                    "size and scale must be at least 1 but are " + size + " and " + scale);
        }
        long cell = (long) size * scale;
        if (cell > 4096) {
            throw new IllegalArgumentException(
                    "cells of size * scale = "
                            + cell
                            + " pixels are too large; expected at most 4096");
        }
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException(
                    "expected at least one class name (the background, last)");
        }
        int n = size * size;
        checkLength("image", image.length, n, size);
        checkLength("groundTruth", groundTruth.length, n, size);
        int exits = predictions.size();
        if (exits == 0) {
            throw new IllegalArgumentException(
                    "expected predictions of at least one exit but got none");
        }
        if (confidence.size() != exits || computed.size() != exits) {
            throw new IllegalArgumentException(
                    "expected one prediction, confidence and computed map per exit but got "
                            + exits
                            + ", "
                            + confidence.size()
                            + " and "
                            + computed.size());
        }
        int classes = classNames.size();
        for (int e = 0; e < exits; e++) {
            int[] p = predictions.get(e);
            float[] c = confidence.get(e);
            checkLength("predictions of exit " + (e + 1), p.length, n, size);
            checkLength("confidence of exit " + (e + 1), c.length, n, size);
            checkLength("computed of exit " + (e + 1), computed.get(e).length, n, size);
            for (int i = 0; i < n; i++) {
                if (p[i] < 0 || p[i] >= classes) {
                    throw new IllegalArgumentException(
                            "exit "
                                    + (e + 1)
                                    + " predicts class "
                                    + p[i]
                                    + " at position "
                                    + i
                                    + ", outside the "
                                    + classes
                                    + " classes [0, "
                                    + classes
                                    + ")");
                }
                if (!(c[i] >= 0f && c[i] <= 1f)) {
                    throw new IllegalArgumentException(
                            "exit "
                                    + (e + 1)
                                    + " has confidence "
                                    + c[i]
                                    + " at position "
                                    + i
                                    + ", expected [0, 1]");
                }
            }
        }
    }

    private static void checkLength(String what, int length, int expected, int size) {
        if (length != expected) {
            throw new IllegalArgumentException(
                    what
                            + " must hold size * size = "
                            + size
                            + " * "
                            + size
                            + " = "
                            + expected
                            + " values but holds "
                            + length);
        }
    }

    private static BufferedImage render(
            float[] image,
            int size,
            int[] groundTruth,
            List<int[]> predictions,
            List<float[]> confidence,
            List<boolean[]> computed,
            List<String> classNames,
            int scale) {
        int exits = predictions.size();
        int classes = classNames.size();
        int cell = size * scale;
        int pitch = cell + GAP;
        int width = LABEL_WIDTH + (exits + 1) * pitch;
        int perRow = Math.max(1, width / LEGEND_ENTRY_WIDTH);
        int legendRows = (classes + perRow - 1) / perRow;
        int legendTop = TITLE_HEIGHT + 3 * pitch;
        int height = legendTop + legendRows * LEGEND_ROW_HEIGHT;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.BLACK);
            int baseline = TITLE_HEIGHT - 6;
            title(g, "truth / input", LABEL_WIDTH, baseline, pitch);
            for (int e = 0; e < exits; e++) {
                title(g, "exit " + (e + 1), LABEL_WIDTH + (e + 1) * pitch, baseline, pitch);
            }
            for (int r = 0; r < ROW_NAMES.length; r++) {
                g.drawString(ROW_NAMES[r], 4, TITLE_HEIGHT + r * pitch + cell / 2 + 4);
            }

            int n = size * size;
            int[] rgb = new int[n];
            for (int i = 0; i < n; i++) {
                int t = groundTruth[i];
                rgb[i] = t >= 0 && t < classes ? color(t, classes) : IGNORED_COLOR;
            }
            paint(out, rgb, size, scale, LABEL_WIDTH, TITLE_HEIGHT);
            for (int i = 0; i < n; i++) {
                int v = Math.round(Math.min(Math.max(image[i], 0f), 1f) * 255f);
                rgb[i] = (v << 16) | (v << 8) | v;
            }
            paint(out, rgb, size, scale, LABEL_WIDTH, TITLE_HEIGHT + pitch);
            for (int e = 0; e < exits; e++) {
                int x0 = LABEL_WIDTH + (e + 1) * pitch;
                int[] p = predictions.get(e);
                float[] c = confidence.get(e);
                boolean[] m = computed.get(e);
                for (int i = 0; i < n; i++) {
                    rgb[i] = color(p[i], classes);
                }
                paint(out, rgb, size, scale, x0, TITLE_HEIGHT);
                for (int i = 0; i < n; i++) {
                    rgb[i] = confidenceColor(c[i]);
                }
                paint(out, rgb, size, scale, x0, TITLE_HEIGHT + pitch);
                for (int i = 0; i < n; i++) {
                    rgb[i] = m[i] ? COMPUTED_COLOR : SKIPPED_COLOR;
                }
                paint(out, rgb, size, scale, x0, TITLE_HEIGHT + 2 * pitch);
            }

            int swatch = LEGEND_ROW_HEIGHT - 6;
            for (int k = 0; k < classes; k++) {
                int x = 4 + (k % perRow) * LEGEND_ENTRY_WIDTH;
                int y = legendTop + (k / perRow) * LEGEND_ROW_HEIGHT;
                g.setColor(new Color(color(k, classes)));
                g.fillRect(x, y + 3, swatch, swatch);
                g.setColor(Color.BLACK);
                g.setClip(x + swatch + 4, y, LEGEND_ENTRY_WIDTH - swatch - 8, LEGEND_ROW_HEIGHT);
                g.drawString(classNames.get(k), x + swatch + 4, y + LEGEND_ROW_HEIGHT - 5);
                g.setClip(null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void title(Graphics2D g, String text, int x, int baseline, int pitch) {
        g.setClip(x, 0, pitch - GAP, TITLE_HEIGHT);
        g.drawString(text, x, baseline);
        g.setClip(null);
    }

    private static void paint(BufferedImage out, int[] rgb, int size, int scale, int x0, int y0) {
        int cell = size * scale;
        int[] row = new int[cell];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                Arrays.fill(row, x * scale, (x + 1) * scale, rgb[y * size + x]);
            }
            for (int dy = 0; dy < scale; dy++) {
                out.setRGB(x0, y0 + y * scale + dy, cell, 1, row, 0, cell);
            }
        }
    }

    /** Builder for the figure of one test image: its maps, per exit, and the class names. */
    public static final class Builder {
        private float[] image;
        private int size;
        private int[] groundTruth;
        private List<int[]> predictions;
        private List<float[]> confidence;
        private List<boolean[]> computed;
        private List<String> classNames;
        private int scale = 1;

        Builder() {}

        /**
         * Sets the input image (required).
         *
         * @param image {@code size * size} grayscale values in [0, 1] (clamped), row-major
         * @param size side of every map, at least 1
         * @return this builder
         */
        public Builder setImage(float[] image, int size) {
            this.image = image;
            this.size = size;
            return this;
        }

        /**
         * Sets the true classes (required).
         *
         * @param groundTruth {@code size * size} true classes; values outside the classes are drawn
         *     as ignored (black)
         * @return this builder
         */
        public Builder setGroundTruth(int[] groundTruth) {
            this.groundTruth = groundTruth;
            return this;
        }

        /**
         * Sets the predictions per exit (required).
         *
         * @param predictions per exit, {@code size * size} classes in [0, classNames.size())
         * @return this builder
         */
        public Builder setPredictions(List<int[]> predictions) {
            this.predictions = predictions;
            return this;
        }

        /**
         * Sets the confidence per exit (required, one map per exit).
         *
         * @param confidence per exit, {@code size * size} maximum class probabilities in [0, 1]
         * @return this builder
         */
        public Builder setConfidence(List<float[]> confidence) {
            this.confidence = confidence;
            return this;
        }

        /**
         * Sets where each exit computed (required, one map per exit).
         *
         * @param computed per exit, {@code size * size} flags: true where the exit still computed
         *     the position, false where it was skipped (all true for exit 0)
         * @return this builder
         */
        public Builder setComputed(List<boolean[]> computed) {
            this.computed = computed;
            return this;
        }

        /**
         * Sets the class names (required).
         *
         * @param classNames class names, index = class; the last one is the background
         * @return this builder
         */
        public Builder setClassNames(List<String> classNames) {
            this.classNames = classNames;
            return this;
        }

        /**
         * Sets the pixels per map position in each direction (default 1).
         *
         * @param scale at least 1
         * @return this builder
         */
        public Builder optScale(int scale) {
            this.scale = scale;
            return this;
        }

        /**
         * Validates the maps and writes the figure atomically (a temporary file in the same
         * directory, then a rename); nothing is written for bad input.
         *
         * @param png the PNG file to write; its directory is created if missing
         * @throws IllegalArgumentException naming a missing value or a map of the wrong size or
         *     range
         * @throws IOException if the file cannot be written
         */
        public void write(Path png) throws IOException {
            required("image", image);
            required("groundTruth", groundTruth);
            required("predictions", predictions);
            required("confidence", confidence);
            required("computed", computed);
            required("classNames", classNames);
            AnytimeFigure.write(
                    png,
                    image,
                    size,
                    groundTruth,
                    predictions,
                    confidence,
                    computed,
                    classNames,
                    scale);
        }

        private static void required(String name, Object value) {
            if (value == null) {
                throw new IllegalArgumentException("anytime figure: " + name + " is required");
            }
        }
    }
}
