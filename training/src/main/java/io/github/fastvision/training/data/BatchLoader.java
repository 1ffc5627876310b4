package io.github.fastvision.training.data;

import io.github.fastvision.training.data.transform.FloatImage;
import io.github.fastvision.training.data.transform.ImageTransform;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Turns a dataset into batches, one epoch at a time. The order of an epoch and every random
 * augmentation depend only on (seed, epoch, position), so a run resumed at an epoch boundary sees
 * exactly the batches the uninterrupted run saw. The next batches are prepared on a background
 * thread while the engine works on the current one.
 */
public final class BatchLoader implements AutoCloseable {

    private static final int PREFETCH = 2;

    private final ImageDataset data;
    private final ImageTransform transform;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final long seed;
    private final MixupCutmix mixer;
    private final float labelSmoothing;
    private final int outSize;
    private final ExecutorService worker;

    /**
     * Starts a builder: {@code setData}, {@code setTransform} and {@code setBatchSize} are
     * required; by default a loader keeps the order, keeps the last incomplete batch, and applies
     * neither mixing nor label smoothing (an evaluation loader).
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private BatchLoader(Builder b) {
        ImageDataset data = java.util.Objects.requireNonNull(b.data, "data must be set");
        ImageTransform transform =
                java.util.Objects.requireNonNull(b.transform, "transform must be set");
        int outSize = b.outSize;
        int batchSize = b.batchSize;
        boolean shuffle = b.shuffle;
        boolean dropLast = b.dropLast;
        long seed = b.seed;
        MixupCutmix mixer = b.mixer;
        float labelSmoothing = b.labelSmoothing;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1 but was " + batchSize);
        }
        if (dropLast && data.size() < batchSize) {
            throw new IllegalArgumentException(
                    "batch size "
                            + batchSize
                            + " is larger than the "
                            + data.size()
                            + " training images of "
                            + data.describe());
        }
        if (labelSmoothing < 0 || labelSmoothing >= 1) {
            throw new IllegalArgumentException(
                    "label smoothing must be in [0, 1) but was " + labelSmoothing);
        }
        this.data = data;
        this.transform = transform;
        this.outSize = outSize;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.seed = seed;
        this.mixer = mixer;
        this.labelSmoothing = labelSmoothing;
        this.worker =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "fastvision-batches");
                            t.setDaemon(true);
                            return t;
                        });
    }

    /**
     * Returns the number of batches per epoch.
     *
     * @return batches
     */
    public int batchesPerEpoch() {
        return dropLast ? data.size() / batchSize : (data.size() + batchSize - 1) / batchSize;
    }

    /**
     * Iterates over one epoch's batches.
     *
     * @param epoch the epoch index (0-based)
     * @return batches in order
     */
    public Iterator<TrainingBatch> epoch(int epoch) {
        int[] order = order(epoch);
        int total = batchesPerEpoch();
        return new Iterator<>() {
            private final Deque<Future<TrainingBatch>> pending = new ArrayDeque<>();
            private int submitted;
            private int taken;

            private void fill() {
                while (submitted < total && pending.size() < PREFETCH) {
                    int b = submitted++;
                    pending.add(worker.submit(() -> build(order, epoch, b)));
                }
            }

            @Override
            public boolean hasNext() {
                return taken < total;
            }

            @Override
            public TrainingBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                fill();
                Future<TrainingBatch> f = pending.poll();
                taken++;
                fill();
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while preparing a batch", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(
                            "preparing a batch failed: " + e.getCause(), e.getCause());
                }
            }
        };
    }

    private int[] order(int epoch) {
        int[] order = new int[data.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random r = new Random(mix(seed, epoch, -1));
            for (int i = order.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    private TrainingBatch build(int[] order, int epoch, int b) {
        int start = b * batchSize;
        int n = Math.min(batchSize, order.length - start);
        int c = data.channels();
        int per = c * outSize * outSize;
        int k = data.classes().size();
        float[] images = new float[n * per];
        int[] labels = new int[n];
        float[] targets = new float[n * k];
        float off = labelSmoothing / k;
        for (int i = 0; i < n; i++) {
            int index = order[start + i];
            Random r = new Random(mix(seed, epoch, start + i));
            FloatImage img = transform.apply(data.image(index), r);
            if (img.channels() != c || img.height() != outSize || img.width() != outSize) {
                throw new IllegalStateException(
                        "transform produced "
                                + img.channels()
                                + "x"
                                + img.height()
                                + "x"
                                + img.width()
                                + " but "
                                + c
                                + "x"
                                + outSize
                                + "x"
                                + outSize
                                + " was expected");
            }
            System.arraycopy(img.data(), 0, images, i * per, per);
            labels[i] = data.label(index);
            for (int q = 0; q < k; q++) {
                targets[i * k + q] = off;
            }
            targets[i * k + labels[i]] += 1 - labelSmoothing;
        }
        if (mixer != null && mixer.isEnabled()) {
            double lam =
                    mixer.apply(
                            images,
                            targets,
                            n,
                            c,
                            outSize,
                            outSize,
                            k,
                            new Random(mix(seed, epoch, -2 - b)));
            if (lam < 0.5) {
                int[] swapped = new int[n];
                for (int i = 0; i < n; i++) {
                    swapped[i] = labels[n - 1 - i];
                }
                labels = swapped;
            }
        }
        return new TrainingBatch(images, labels, targets, n, c, outSize, outSize, k);
    }

    /** SplitMix64-style mixing of the run seed, the epoch and a position. */
    private static long mix(long seed, int epoch, int position) {
        long z =
                seed * 0x9E3779B97F4A7C15L
                        + epoch * 0xBF58476D1CE4E5B9L
                        + position * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    /**
     * Builds a {@link BatchLoader}; {@link #build()} validates the values and starts the worker.
     */
    public static final class Builder {

        private ImageDataset data;
        private ImageTransform transform;
        private int outSize;
        private int batchSize;
        private boolean shuffle;
        private boolean dropLast;
        private long seed;
        private MixupCutmix mixer;
        private float labelSmoothing;

        private Builder() {}

        /**
         * Sets the images (required).
         *
         * @param data the images
         * @return this builder
         */
        public Builder setData(ImageDataset data) {
            this.data = data;
            return this;
        }

        /**
         * Sets the per-image steps and the square side they produce (required).
         *
         * @param transform the steps
         * @param outSize the side of their output
         * @return this builder
         */
        public Builder setTransform(ImageTransform transform, int outSize) {
            this.transform = transform;
            this.outSize = outSize;
            return this;
        }

        /**
         * Sets the images per batch (required).
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Visits the images in a new random order each epoch, and skips the last incomplete batch
         * (batch norm needs full batches): the training set-up (default off).
         *
         * @param seed the run's seed, which fixes the orders and augmentations
         * @return this builder
         */
        public Builder optTraining(long seed) {
            this.shuffle = true;
            this.dropLast = true;
            this.seed = seed;
            return this;
        }

        /**
         * Sets the seed of the augmentations without shuffling (default 0).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets mixup/cutmix (default none).
         *
         * @param mixer the mixer or null
         * @return this builder
         */
        public Builder optMixer(MixupCutmix mixer) {
            this.mixer = mixer;
            return this;
        }

        /**
         * Sets label smoothing (default 0).
         *
         * @param epsilon in [0, 1)
         * @return this builder
         */
        public Builder optLabelSmoothing(float epsilon) {
            this.labelSmoothing = epsilon;
            return this;
        }

        /**
         * Validates the values and creates the loader with its prefetch worker.
         *
         * @return the loader
         * @throws IllegalArgumentException naming the invalid value and its allowed range
         */
        public BatchLoader build() {
            return new BatchLoader(this);
        }
    }
}
