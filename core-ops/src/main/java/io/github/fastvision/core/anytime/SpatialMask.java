package io.github.fastvision.core.anytime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;

/**
 * The confidence mask M_i of one exit (thesis Eq. 2.2): M(p) = 0 where the exit's maximum class
 * probability reaches the threshold (the prediction is kept and later computation skipped), 1
 * elsewhere. Convolutions at other resolutions see the mask resized by nearest neighbour, as the
 * thesis resizes ŷ_i to each convolution's output size. A threshold of 1 skips nothing.
 *
 * <p>Each resolution is a {@link Level} holding the mask as a (N, 1, h, w) float map, the active
 * (computed) positions as flat indices for sparse execution, and the counts FLOPs are charged with.
 * The mask owns its arrays; close it when the pass is done.
 */
public final class SpatialMask implements AutoCloseable {

    private final NDManager manager;
    private final NDArray confidence;
    private final float threshold;
    private final Map<Long, Level> levels = new HashMap<>();

    private SpatialMask(NDManager manager, NDArray confidence, float threshold) {
        this.manager = manager;
        this.confidence = confidence;
        this.threshold = threshold;
    }

    /**
     * Builds the mask of exit logits; no gradient flows through it.
     *
     * @param logits (N, K, H, W) class scores of an exit
     * @param threshold confidence at or above which a position is skipped, in (0, 1]
     * @return the mask, owning a sub-manager of the logits' manager
     */
    public static SpatialMask fromLogits(NDArray logits, float threshold) {
        if (logits.getShape().dimension() != 4) {
            throw new IllegalArgumentException(
                    "expected exit logits (N, K, H, W) but got " + logits.getShape());
        }
        if (!(threshold > 0f && threshold <= 1f)) {
            throw new IllegalArgumentException(
                    "confidence threshold must be in (0, 1] but was " + threshold);
        }
        NDManager m = logits.getManager().newSubManager();
        NDArray conf;
        try (NDManager scratch = m.newSubManager()) {
            NDArray l = logits.stopGradient();
            l.attach(scratch);
            conf = l.softmax(1).max(new int[] {1});
            conf.attach(m);
        }
        return new SpatialMask(m, conf, threshold);
    }

    /**
     * Builds a mask from a confidence map directly (tests, custom confidence measures).
     *
     * @param confidence (N, H, W) confidence per position
     * @param threshold the threshold
     * @return the mask
     */
    public static SpatialMask fromConfidence(NDArray confidence, float threshold) {
        if (confidence.getShape().dimension() != 3) {
            throw new IllegalArgumentException(
                    "expected a confidence map (N, H, W) but got " + confidence.getShape());
        }
        NDManager m = confidence.getManager().newSubManager();
        NDArray c = confidence.stopGradient().toType(DataType.FLOAT32, false);
        c.attach(m);
        return new SpatialMask(m, c, threshold);
    }

    /**
     * Returns the threshold.
     *
     * @return the threshold
     */
    public float threshold() {
        return threshold;
    }

    /**
     * Returns the confidence map the mask was built from.
     *
     * @return (N, H, W)
     */
    public NDArray confidence() {
        return confidence;
    }

    /**
     * Returns the mask at the resolution of the exit it was built from.
     *
     * @return the level
     */
    public Level base() {
        Shape s = confidence.getShape();
        return at(s.get(1), s.get(2));
    }

    /**
     * Returns the mask at a convolution's output resolution.
     *
     * @param h output height
     * @param w output width
     * @return the level
     */
    public Level at(long h, long w) {
        return levels.computeIfAbsent(h << 32 | w, k -> new Level(h, w));
    }

    /**
     * Keeps the previous exit's prediction where this mask skipped computation (Eq. 2.7).
     *
     * @param previous the previous exit's logits (N, K, H, W)
     * @param current the new exit's logits, same shape
     * @return the combined logits
     */
    public NDArray carryOver(NDArray previous, NDArray current) {
        Shape s = current.getShape();
        NDArray m = at(s.get(2), s.get(3)).compute();
        return current.mul(m).add(previous.mul(m.neg().add(1f)));
    }

    /** {@inheritDoc} */
    @Override
    public void close() {
        manager.close();
    }

    /** The mask at one resolution. */
    public final class Level {
        private final long height;
        private final long width;
        private final NDArray compute;
        private final NDArray skip;
        private final NDArray active;
        private final long activeCount;
        private final Map<String, NDArray> gatherIndex = new HashMap<>();
        private int[] activePositions;

        Level(long h, long w) {
            height = h;
            width = w;
            NDArray c = resizeNearest(confidence, h, w);
            // At 1.0 nothing is skipped: float32 softmax rounds to exactly 1 for large margins, and
            // a threshold of 1 is the documented way to switch adaptivity off.
            NDArray keep = threshold >= 1f ? c.gte(Float.NEGATIVE_INFINITY) : c.lt(threshold);
            compute = keep.toType(DataType.FLOAT32, false).reshape(c.getShape().get(0), 1, h, w);
            skip = compute.neg().add(1f);
            active = keep.flatten().nonzero().reshape(-1);
            activeCount = active.getShape().get(0);
            for (NDArray a : new NDArray[] {compute, skip, active}) {
                a.attach(manager);
            }
            c.close();
            keep.close();
        }

        private NDArray resizeNearest(NDArray conf, long h, long w) {
            Shape s = conf.getShape();
            long sh = s.get(1);
            long sw = s.get(2);
            if (sh == h && sw == w) {
                return conf.duplicate();
            }
            NDArray rows = conf.getManager().create(nearest(sh, h));
            NDArray cols = conf.getManager().create(nearest(sw, w));
            NDArray r = conf.get(new NDIndex(":, {}", rows));
            NDArray out = r.get(new NDIndex(":, :, {}", cols));
            rows.close();
            cols.close();
            r.close();
            return out;
        }

        /** PyTorch's "nearest": source index floor(dst · in / out). */
        private long[] nearest(long in, long out) {
            long[] idx = new long[(int) out];
            for (int i = 0; i < out; i++) {
                idx[i] = Math.min(in - 1, (long) Math.floor(i * (double) in / out));
            }
            return idx;
        }

        /**
         * Returns 1 where positions are computed and 0 where they are skipped.
         *
         * @return (N, 1, h, w) float32
         */
        public NDArray compute() {
            return compute;
        }

        /**
         * Returns 1 − {@link #compute()}: 1 where positions are skipped.
         *
         * @return (N, 1, h, w) float32
         */
        public NDArray skip() {
            return skip;
        }

        /**
         * Returns the fraction of positions still computed.
         *
         * @return A / (N·h·w)
         */
        public double density() {
            return activeCount / (double) total();
        }

        /**
         * Returns the computed positions as flat indices n·h·w + y·w + x, ascending.
         *
         * @return int64 (A)
         */
        public NDArray active() {
            return active;
        }

        /**
         * Returns the computed positions as Java ints (for the Java kernels), cached.
         *
         * @return the flat indices of {@link #active()}, ascending
         */
        int[] activePositions() {
            if (activePositions == null) {
                long[] a = active.toLongArray();
                int[] out = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = Math.toIntExact(a[i]);
                }
                activePositions = out;
            }
            return activePositions;
        }

        /**
         * Returns the output map height.
         *
         * @return h
         */
        long height() {
            return height;
        }

        /**
         * Returns the output map width.
         *
         * @return w
         */
        long width() {
            return width;
        }

        /**
         * Returns the number of computed positions (over the batch).
         *
         * @return A
         */
        public long activeCount() {
            return activeCount;
        }

        /**
         * Returns the number of positions (over the batch).
         *
         * @return N·h·w
         */
        public long total() {
            return confidence.getShape().get(0) * height * width;
        }

        /**
         * Returns the number of skipped positions.
         *
         * @return N·h·w − A
         */
        public long skippedCount() {
            return total() - activeCount;
        }

        /**
         * Rows of a padded channels-last input, (N·Hp·Wp, C), that a k×k convolution with this
         * stride and dilation 1 reads for each computed output position, in (position, ky, kx)
         * order. Cached per input geometry.
         *
         * @param paddedHeight Hp
         * @param paddedWidth Wp
         * @param kernel k
         * @param stride the stride
         * @return int64 (A·k·k)
         */
        NDArray gatherIndex(long paddedHeight, long paddedWidth, int kernel, int stride) {
            String key = paddedHeight + "x" + paddedWidth + "k" + kernel + "s" + stride;
            NDArray cached = gatherIndex.get(key);
            if (cached != null) {
                return cached;
            }
            long hw = height * width;
            long[] act = active.toLongArray();
            int kk = kernel * kernel;
            long[] offsets = new long[kk];
            for (int ky = 0; ky < kernel; ky++) {
                for (int kx = 0; kx < kernel; kx++) {
                    offsets[ky * kernel + kx] = ky * paddedWidth + kx;
                }
            }
            long[] idx = new long[act.length * kk];
            for (int i = 0; i < act.length; i++) {
                long n = act[i] / hw;
                long rem = act[i] - n * hw;
                long y = rem / width;
                long x = rem - y * width;
                long base = n * paddedHeight * paddedWidth + y * stride * paddedWidth + x * stride;
                for (int o = 0; o < kk; o++) {
                    idx[i * kk + o] = base + offsets[o];
                }
            }
            NDArray index = manager.create(idx);
            gatherIndex.put(key, index);
            return index;
        }
    }
}
