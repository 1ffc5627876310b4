package io.github.fastvision.examples.cli;

import io.github.fastvision.models.inference.DecodedImage;
import io.github.fastvision.models.inference.ImageDecoder;
import io.github.fastvision.models.inference.ImageFormatException;
import io.github.fastvision.models.inference.ImagePreprocessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The image files of {@code predict} and {@code embed} as preprocessed batches. Arguments are files
 * or directories (walked recursively, sorted). A file named on the command line must decode; in a
 * directory, a file that does not (not an image, corrupt, truncated, too large) is skipped and
 * reported, or fails the run with {@code --strict}. A worker thread decodes and preprocesses the
 * next batch while the caller runs the current one through the model (a prefetch of one batch).
 */
final class ImageBatches implements AutoCloseable {

    /** A file that was not used, and why. */
    record Skipped(String file, String reason) {}

    /** One batch: preprocessed values, (N, C, H, W), and the files they came from. */
    record Batch(float[] values, List<Path> files) {
        int size() {
            return files.size();
        }
    }

    private record Item(Path file, boolean fromDirectory) {}

    private final List<Item> items;
    private final ImageDecoder decoder;
    private final ImagePreprocessor preprocessor;
    private final int batchSize;
    private final boolean strict;
    private final ExecutorService worker;
    private final List<Skipped> skipped = new ArrayList<>();
    private int next;
    private Future<Batch> pending;
    private long decodeNanos;
    private long preprocessNanos;

    /**
     * Lists the inputs.
     *
     * @param inputs files and directories
     * @param decoder the decoder
     * @param preprocessor the model's preprocessing
     * @param batchSize images per batch
     * @param strict fail on the first undecodable file in a directory instead of skipping it
     * @throws IOException if a directory cannot be listed
     */
    ImageBatches(
            List<Path> inputs,
            ImageDecoder decoder,
            ImagePreprocessor preprocessor,
            int batchSize,
            boolean strict)
            throws IOException {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch must be >= 1 but was " + batchSize);
        }
        this.items = list(inputs);
        this.decoder = decoder;
        this.preprocessor = preprocessor;
        this.batchSize = batchSize;
        this.strict = strict;
        this.worker =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "fastvision-decode");
                            t.setDaemon(true);
                            return t;
                        });
        this.pending = worker.submit(this::load);
    }

    private static List<Item> list(List<Path> inputs) throws IOException {
        List<Item> items = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                List<Path> files;
                try (Stream<Path> s = Files.walk(p)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                if (files.isEmpty()) {
                    throw new IllegalArgumentException("directory " + p + " holds no files");
                }
                files.forEach(f -> items.add(new Item(f, true)));
            } else if (Files.isRegularFile(p)) {
                items.add(new Item(p, false));
            } else {
                throw new IllegalArgumentException(p + " does not exist");
            }
        }
        return items;
    }

    /**
     * Returns how many files there are, decodable or not.
     *
     * @return the file count
     */
    int files() {
        return items.size();
    }

    /**
     * Whether any input was a directory (the progress display is for those).
     *
     * @return true if a directory was listed
     */
    boolean hasDirectory() {
        return items.stream().anyMatch(Item::fromDirectory);
    }

    /**
     * Returns the next batch, starting the one after it on the worker.
     *
     * @return the batch, or null when every file is done
     */
    Batch next() {
        Batch b;
        try {
            b = pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding images", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
        pending = b == null ? null : worker.submit(this::load);
        return b;
    }

    /** Decodes and preprocesses up to one batch of the remaining files (worker thread). */
    private Batch load() {
        List<DecodedImage> images = new ArrayList<>(batchSize);
        List<Path> files = new ArrayList<>(batchSize);
        long t0 = System.nanoTime();
        while (images.size() < batchSize && next < items.size()) {
            Item item = items.get(next++);
            try {
                images.add(decoder.decode(item.file()));
                files.add(item.file());
            } catch (ImageFormatException e) {
                if (strict || !item.fromDirectory()) {
                    throw e;
                }
                synchronized (skipped) {
                    skipped.add(new Skipped(item.file().toString(), e.reason()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + item.file(), e);
            }
        }
        long t1 = System.nanoTime();
        if (images.isEmpty()) {
            decodeNanos += t1 - t0;
            return null;
        }
        int per = preprocessor.floatsPerImage();
        float[] values = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            preprocessor.apply(images.get(i), values, i * per);
        }
        decodeNanos += t1 - t0;
        preprocessNanos += System.nanoTime() - t1;
        return new Batch(values, files);
    }

    /**
     * Returns the skipped files so far.
     *
     * @return file and reason, in file order
     */
    List<Skipped> skipped() {
        synchronized (skipped) {
            return List.copyOf(skipped);
        }
    }

    /**
     * Returns the time spent decoding, on the worker.
     *
     * @return seconds
     */
    double decodeSeconds() {
        return decodeNanos / 1e9;
    }

    /**
     * Returns the time spent preprocessing, on the worker.
     *
     * @return seconds
     */
    double preprocessSeconds() {
        return preprocessNanos / 1e9;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
