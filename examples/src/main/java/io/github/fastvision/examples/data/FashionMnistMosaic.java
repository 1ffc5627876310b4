package io.github.fastvision.examples.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.DenseDataset;
import io.github.fastvision.training.data.ImageDataset;
import io.github.fastvision.training.data.ImageSubset;
import io.github.fastvision.training.data.transform.FloatImage;
import io.github.fastvision.training.data.transform.Normalize;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A semantic segmentation set built from real Fashion-MNIST items, for the anytime dense prediction
 * experiments (thesis chapter 2). Each image is a square single-channel canvas, black except for a
 * few source items (optionally enlarged by an integer factor s) pasted into a grid of cells of
 * {@value #CELL}·s pixels: every cell holds an item with probability {@value #FILL_PROBABILITY}
 * (and every image holds at least one), at a random offset inside its cell, so items never overlap.
 * A pixel's label is the class of the item it belongs to where that item's intensity exceeds
 * {@value #FOREGROUND_THRESHOLD}, and the background class (the last one, index {@code
 * source.classes().size()}) everywhere else.
 *
 * <p>Image {@code k} depends only on (source, canvas, seed, k), not on the number of images, so a
 * larger set built with the same seed starts with the smaller one. Images are stored as floats in
 * [0, 1] and labels as bytes.
 */
public final class FashionMnistMosaic implements DenseDataset {

    /** Side of the grid cells that each hold at most one item, in pixels. */
    public static final int CELL = 32;

    /** The smallest canvas: one Fashion-MNIST item (28 pixels). */
    public static final int MIN_CANVAS = 28;

    /** The largest item enlargement. */
    public static final int MAX_ITEM_SCALE = 8;

    /** Probability that a grid cell holds an item. */
    public static final double FILL_PROBABILITY = 0.75;

    /** Source intensity in [0, 1] above which an item's pixel is labelled with the item's class. */
    public static final float FOREGROUND_THRESHOLD = 0.2f;

    /** Name of the background class, the last class. */
    public static final String BACKGROUND = "background";

    /** Added to the seed (then mixed) to draw the test half of {@link #fromSplit}. */
    private static final long TEST_SEED_OFFSET = 0x7E57_5EEDL;

    /** Added to the seed (then mixed) to draw {@link #heldOut} validation mosaics. */
    private static final long VALIDATION_SEED_OFFSET = 0x0A11_DA7EL;

    private final int count;
    private final int canvas;
    private final List<String> classes;
    private final float[] images;
    private final byte[] labels;
    private final String description;
    private final BitSet sourceItems;
    private final int sourceSize;

    /**
     * A training mosaic set and its test set, built from the two halves of a source split.
     *
     * @param train mosaics of training items only
     * @param test mosaics of test items only
     */
    public record Split(FashionMnistMosaic train, FashionMnistMosaic test) {}

    private FashionMnistMosaic(
            int count,
            int canvas,
            List<String> classes,
            float[] images,
            byte[] labels,
            String description,
            BitSet sourceItems,
            int sourceSize) {
        this.sourceItems = sourceItems;
        this.sourceSize = sourceSize;
        this.count = count;
        this.canvas = canvas;
        this.classes = classes;
        this.images = images;
        this.labels = labels;
        this.description = description;
    }

    /**
     * Builds {@code count} mosaics from the items of a source set, at their own size.
     *
     * @param source single-channel items no larger than a grid cell (Fashion-MNIST: 28×28), at most
     *     255 classes
     * @param count number of mosaics, at least 1
     * @param canvas side of each mosaic in pixels, at least {@value #MIN_CANVAS}; typically 64 or
     *     128
     * @param seed the seed; the same seed gives identical images and labels
     * @return the mosaics
     */
    public static FashionMnistMosaic build(ImageDataset source, int count, int canvas, long seed) {
        return create(source, count, canvas, seed, 1);
    }

    /**
     * Returns a builder for mosaics with every setting: item scale, held-out items, split halves.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@code count} mosaics from the items of a source set enlarged {@code itemScale} times
     * (bilinear, half-pixel centres), in cells of {@value #CELL}·itemScale pixels. Enlarged items
     * make objects larger than the early stages' receptive fields, as street scenes are for the
     * thesis's HRNet; the label follows the enlarged intensity.
     *
     * @param source single-channel items no larger than a grid cell (Fashion-MNIST: 28×28), at most
     *     255 classes
     * @param count number of mosaics, at least 1
     * @param canvas side of each mosaic in pixels, at least {@value #MIN_CANVAS}·itemScale
     * @param seed the seed; the same seed gives identical images and labels
     * @param itemScale integer enlargement of the items, 1 to {@value #MAX_ITEM_SCALE}
     * @return the mosaics
     */
    private static FashionMnistMosaic create(
            ImageDataset source, int count, int canvas, long seed, int itemScale) {
        if (itemScale < 1 || itemScale > MAX_ITEM_SCALE) {
            throw new IllegalArgumentException(
                    "item scale must be an integer in [1, "
                            + MAX_ITEM_SCALE
                            + "] but was "
                            + itemScale);
        }
        if (canvas < MIN_CANVAS * itemScale) {
            throw new IllegalArgumentException(
                    "canvas must be at least "
                            + MIN_CANVAS * itemScale
                            + " pixels (one Fashion-MNIST item at scale "
                            + itemScale
                            + ") but was "
                            + canvas);
        }
        if (count < 1) {
            throw new IllegalArgumentException("mosaic count must be at least 1 but was " + count);
        }
        if (source.channels() != 1) {
            throw new IllegalArgumentException(
                    "mosaics need single-channel (grayscale) items but "
                            + source.describe()
                            + " has "
                            + source.channels()
                            + " channels");
        }
        if (source.size() < 1) {
            throw new IllegalArgumentException(
                    "the source " + source.describe() + " has no images");
        }
        if (source.classes().size() > 255) {
            throw new IllegalArgumentException(
                    "labels are stored as bytes: at most 255 source classes plus background, but "
                            + source.describe()
                            + " has "
                            + source.classes().size());
        }
        int cells = Math.max(1, canvas / (CELL * itemScale));
        int cellSide = canvas / cells;
        int srcH = source.height();
        int srcW = source.width();
        int itemH = srcH * itemScale;
        int itemW = srcW * itemScale;
        if (itemH > cellSide || itemW > cellSide) {
            throw new IllegalArgumentException(
                    "items of "
                            + itemH
                            + "x"
                            + itemW
                            + " do not fit the "
                            + cellSide
                            + "-pixel cells of a "
                            + canvas
                            + "-pixel canvas; expected items of at most "
                            + cellSide
                            + "x"
                            + cellSide);
        }
        long plane = (long) canvas * canvas;
        if (plane * count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    count
                            + " mosaics of "
                            + canvas
                            + "x"
                            + canvas
                            + " exceed one Java array ("
                            + plane * count
                            + " pixels); use fewer or smaller mosaics");
        }
        int background = source.classes().size();
        List<String> names = new ArrayList<>(source.classes());
        names.add(BACKGROUND);
        float[] images = new float[(int) (plane * count)];
        byte[] labels = new byte[(int) (plane * count)];
        Arrays.fill(labels, (byte) background);
        float[] src = new float[srcH * srcW];
        float[] item = itemScale == 1 ? src : new float[itemH * itemW];
        boolean[] filled = new boolean[cells * cells];
        BitSet used = new BitSet(source.size());
        for (int k = 0; k < count; k++) {
            SplittableRandom random =
                    new SplittableRandom(mix64(seed + mix64(k + 0x9E3779B97F4A7C15L)));
            int any = 0;
            for (int c = 0; c < filled.length; c++) {
                filled[c] = random.nextDouble() < FILL_PROBABILITY;
                any += filled[c] ? 1 : 0;
            }
            if (any == 0) {
                filled[random.nextInt(filled.length)] = true;
            }
            int base = (int) (k * plane);
            for (int c = 0; c < filled.length; c++) {
                if (!filled[c]) {
                    continue;
                }
                int index = random.nextInt(source.size());
                used.set(index);
                int top = (c / cells) * cellSide + random.nextInt(cellSide - itemH + 1);
                int left = (c % cells) * cellSide + random.nextInt(cellSide - itemW + 1);
                int cls = source.label(index);
                source.pixels(index, src);
                for (int p = 0; p < src.length; p++) {
                    float v = src[p];
                    if (!(v >= 0f && v <= 1f)) {
                        throw new IllegalArgumentException(
                                "expected source pixels in [0, 1] but image "
                                        + index
                                        + " of "
                                        + source.describe()
                                        + " has "
                                        + v
                                        + " at ("
                                        + p / srcW
                                        + ", "
                                        + p % srcW
                                        + ")");
                    }
                }
                if (itemScale > 1) {
                    enlarge(src, srcH, srcW, itemScale, item);
                }
                for (int y = 0; y < itemH; y++) {
                    for (int x = 0; x < itemW; x++) {
                        float v = item[y * itemW + x];
                        int p = base + (top + y) * canvas + left + x;
                        images[p] = v;
                        if (v > FOREGROUND_THRESHOLD) {
                            labels[p] = (byte) cls;
                        }
                    }
                }
            }
        }
        String description =
                count
                        + " mosaics of "
                        + canvas
                        + "x"
                        + canvas
                        + " from "
                        + source.describe()
                        + (itemScale > 1 ? ", items enlarged " + itemScale + "x" : "")
                        + ", seed "
                        + seed;
        return new FashionMnistMosaic(
                count,
                canvas,
                Collections.unmodifiableList(names),
                images,
                labels,
                description,
                used,
                source.size());
    }

    /**
     * Builds validation mosaics from the items of {@code source} that {@code training} never drew,
     * so that a setting chosen on them (ADP-C's confidence threshold) is chosen without looking at
     * the test set or at training items. The layouts use a seed derived from {@code seed}, unlike
     * those of the training and test mosaics.
     *
     * @param source the source {@code training} was built from (the training half of a split)
     * @param training mosaics built from {@code source}
     * @param count number of validation mosaics
     * @param canvas side of each mosaic in pixels
     * @param seed the seed
     * @param itemScale integer enlargement of the items, 1 to {@value #MAX_ITEM_SCALE}
     * @return mosaics of held-out items only
     * @throws IllegalArgumentException if {@code training} was built from a set of another size, or
     *     drew every item
     */
    private static FashionMnistMosaic heldOut(
            ImageDataset source,
            FashionMnistMosaic training,
            int count,
            int canvas,
            long seed,
            int itemScale) {
        if (source.size() != training.sourceSize) {
            throw new IllegalArgumentException(
                    "the mosaics "
                            + training.describe()
                            + " were drawn from "
                            + training.sourceSize
                            + " items, not from the "
                            + source.size()
                            + " of "
                            + source.describe());
        }
        return create(
                ImageSubset.excluding(source, training.sourceItems),
                count,
                canvas,
                mix64(seed + VALIDATION_SEED_OFFSET),
                itemScale);
    }

    /**
     * Returns which items of the source the mosaics hold, by their index in the source.
     *
     * @return a copy of the set of drawn indices
     */
    public BitSet sourceItems() {
        return (BitSet) sourceItems.clone();
    }

    /**
     * Bilinear enlargement with half-pixel centres (PyTorch's {@code align_corners=False}): output
     * pixel (y, x) samples the source at ((y + ½)/s − ½, (x + ½)/s − ½), clamped to the border.
     */
    private static void enlarge(float[] src, int h, int w, int s, float[] dst) {
        int ow = w * s;
        for (int y = 0; y < h * s; y++) {
            double sy = Math.min(h - 1, Math.max(0, (y + 0.5) / s - 0.5));
            int y0 = (int) sy;
            int y1 = Math.min(h - 1, y0 + 1);
            float fy = (float) (sy - y0);
            for (int x = 0; x < ow; x++) {
                double sx = Math.min(w - 1, Math.max(0, (x + 0.5) / s - 0.5));
                int x0 = (int) sx;
                int x1 = Math.min(w - 1, x0 + 1);
                float fx = (float) (sx - x0);
                float top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
                float bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
                dst[y * ow + x] = top * (1 - fy) + bottom * fy;
            }
        }
    }

    /**
     * Builds training mosaics from the training half of a split and test mosaics from its test
     * half, so no test item is ever seen in training. The test mosaics use a seed derived from
     * {@code seed}, so the two halves do not share layouts.
     *
     * @param split the source split
     * @param trainCount number of training mosaics
     * @param testCount number of test mosaics
     * @param canvas side of each mosaic in pixels, at least {@value #MIN_CANVAS}·itemScale
     * @param seed the seed
     * @param itemScale integer enlargement of the items, 1 to {@value #MAX_ITEM_SCALE}
     * @return the two mosaic sets
     */
    private static Split fromSplit(
            DatasetSplit split,
            int trainCount,
            int testCount,
            int canvas,
            long seed,
            int itemScale) {
        return new Split(
                create(split.train(), trainCount, canvas, seed, itemScale),
                create(split.test(), testCount, canvas, mix64(seed + TEST_SEED_OFFSET), itemScale));
    }

    /**
     * Returns the number of mosaics.
     *
     * @return the size
     */
    @Override
    public int size() {
        return count;
    }

    /**
     * Returns the side of every mosaic in pixels.
     *
     * @return the canvas side
     */
    public int canvas() {
        return canvas;
    }

    /**
     * Returns the number of classes: the source classes plus background (11 for Fashion-MNIST).
     *
     * @return the class count
     */
    @Override
    public int numClasses() {
        return classes.size();
    }

    /**
     * Returns the background class index, the last class.
     *
     * @return {@code numClasses() - 1}
     */
    public int backgroundClass() {
        return classes.size() - 1;
    }

    /**
     * Returns the class names, index = label: the source's names followed by {@value #BACKGROUND}.
     *
     * @return unmodifiable class names
     */
    public List<String> classes() {
        return classes;
    }

    /**
     * Copies a mosaic as floats in [0, 1], row-major.
     *
     * @param index mosaic index in [0, size())
     * @param dst destination of at least {@code canvas * canvas} floats
     */
    public void image(int index, float[] dst) {
        int plane = checkCopy(index, dst.length);
        System.arraycopy(images, index * plane, dst, 0, plane);
    }

    /**
     * Copies a mosaic's per-pixel labels, row-major, in [0, numClasses()).
     *
     * @param index mosaic index in [0, size())
     * @param dst destination of at least {@code canvas * canvas} ints
     */
    public void labels(int index, int[] dst) {
        int plane = checkCopy(index, dst.length);
        int base = index * plane;
        for (int i = 0; i < plane; i++) {
            dst[i] = labels[base + i] & 0xff;
        }
    }

    /**
     * Returns the image channels: mosaics are grey.
     *
     * @return 1
     */
    @Override
    public int channels() {
        return 1;
    }

    /**
     * Returns mosaics {@code [from, to)} as tensors: images (N, 1, S, S) float32 normalized with
     * Fashion-MNIST's statistics ({@link Normalize#forChannels(int) Normalize.forChannels(1)}) and
     * labels (N, S, S) int64.
     *
     * @param manager owner of the two arrays
     * @param from first mosaic
     * @param to one past the last mosaic, {@code from < to <= size()}
     * @return {images, labels}
     */
    @Override
    public NDArray[] batch(NDManager manager, int from, int to) {
        if (from < 0 || to > count || from >= to) {
            throw new IllegalArgumentException(
                    "batch ["
                            + from
                            + ", "
                            + to
                            + ") must be a non-empty range inside [0, "
                            + count
                            + ")");
        }
        int n = to - from;
        int plane = canvas * canvas;
        float[] x = new float[n * plane];
        System.arraycopy(images, from * plane, x, 0, n * plane);
        Normalize.forChannels(1).apply(new FloatImage(x, 1, n * canvas, canvas), null);
        long[] y = new long[n * plane];
        int base = from * plane;
        for (int i = 0; i < y.length; i++) {
            y[i] = labels[base + i] & 0xff;
        }
        return new NDArray[] {
            manager.create(x, new Shape(n, 1, canvas, canvas)),
            manager.create(y, new Shape(n, canvas, canvas))
        };
    }

    /**
     * Returns a short description for logs and results.
     *
     * @return the description
     */
    public String describe() {
        return description;
    }

    private int checkCopy(int index, int length) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(
                    "mosaic " + index + " is outside [0, " + count + ")");
        }
        int plane = canvas * canvas;
        if (length < plane) {
            throw new IllegalArgumentException(
                    "destination holds "
                            + length
                            + " values, need "
                            + plane
                            + " ("
                            + canvas
                            + "x"
                            + canvas
                            + ")");
        }
        return plane;
    }

    /** Stafford's variant 13 of the 64-bit finalizer: spreads nearby seeds over the whole range. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Builder for mosaics: {@link #build()} makes {@code count} mosaics from one source (or from
     * the items another set never drew, {@link #optHeldOutFrom}), {@link #buildSplit} one set from
     * each half of a split.
     */
    public static final class Builder {
        private ImageDataset source;
        private Integer count;
        private Integer canvas;
        private Long seed;
        private int itemScale = 1;
        private FashionMnistMosaic heldOutFrom;

        Builder() {}

        /**
         * Sets the source of the items (required by {@link #build()}): single-channel items no
         * larger than a grid cell (Fashion-MNIST: 28×28), at most 255 classes.
         *
         * @param source the item source
         * @return this builder
         */
        public Builder setSource(ImageDataset source) {
            this.source = source;
            return this;
        }

        /**
         * Sets the number of mosaics (required by {@link #build()}, at least 1).
         *
         * @param count number of mosaics
         * @return this builder
         */
        public Builder setCount(int count) {
            this.count = count;
            return this;
        }

        /**
         * Sets the side of each mosaic in pixels (required, at least {@value
         * #MIN_CANVAS}·itemScale; typically 64 or 128).
         *
         * @param canvas side in pixels
         * @return this builder
         */
        public Builder setCanvas(int canvas) {
            this.canvas = canvas;
            return this;
        }

        /**
         * Sets the seed (required); the same seed gives identical images and labels.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder setSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the integer enlargement of the items (default 1): items enlarged {@code itemScale}
         * times (bilinear, half-pixel centres) in cells of {@value #CELL}·itemScale pixels, so
         * objects are larger than the early stages' receptive fields, as street scenes are for the
         * thesis's HRNet; the label follows the enlarged intensity.
         *
         * @param itemScale 1 to {@value #MAX_ITEM_SCALE}
         * @return this builder
         */
        public Builder optItemScale(int itemScale) {
            this.itemScale = itemScale;
            return this;
        }

        /**
         * Makes {@link #build()} use only the items of the source that {@code training} never drew
         * (validation mosaics: a setting such as ADP-C's confidence threshold is then chosen
         * without looking at the test set or at training items), with layouts from a seed derived
         * from the seed. The source must be the one {@code training} was built from.
         *
         * @param training mosaics built from the source
         * @return this builder
         */
        public Builder optHeldOutFrom(FashionMnistMosaic training) {
            this.heldOutFrom = training;
            return this;
        }

        /**
         * Builds the mosaics from the source.
         *
         * @return the mosaics
         * @throws IllegalArgumentException naming a missing or out-of-range value, or for held-out
         *     mosaics if the training set was built from a set of another size or drew every item
         */
        public FashionMnistMosaic build() {
            if (source == null) {
                throw new IllegalArgumentException("mosaics: source is required");
            }
            required("count", count);
            requireLayout();
            return heldOutFrom == null
                    ? create(source, count, canvas, seed, itemScale)
                    : heldOut(source, heldOutFrom, count, canvas, seed, itemScale);
        }

        /**
         * Builds training mosaics from the training half of a split and test mosaics from its test
         * half, so no test item is ever seen in training; the test mosaics use a seed derived from
         * the seed, so the two halves do not share layouts. Source, count and held-out settings are
         * not used.
         *
         * @param split the source split (for example {@code FashionMnist.loadBundledSubset()})
         * @param trainCount number of training mosaics, at least 1
         * @param testCount number of test mosaics, at least 1
         * @return the two mosaic sets
         * @throws IllegalArgumentException naming a missing or out-of-range value
         */
        public Split buildSplit(DatasetSplit split, int trainCount, int testCount) {
            if (split == null) {
                throw new IllegalArgumentException("mosaics: split is required");
            }
            requireLayout();
            return fromSplit(split, trainCount, testCount, canvas, seed, itemScale);
        }

        private void requireLayout() {
            required("canvas", canvas);
            required("seed", seed);
        }

        private static void required(String name, Object value) {
            if (value == null) {
                throw new IllegalArgumentException("mosaics: " + name + " is required");
            }
        }
    }
}
