package io.github.fastvision.examples.cli;

import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.inference.ImageDecoder;
import io.github.fastvision.models.inference.ImageFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The image files of {@code predict} and {@code embed} as preprocessed batches. Arguments are files
 * or directories (walked recursively, following symbolic links, sorted). A file named on the
 * command line must decode; in a directory, an entry that cannot be used (not an image, corrupt,
 * truncated, too large, unreadable, failing preprocessing, a dangling symbolic link, a FIFO, a
 * symbolic link loop, a subdirectory that cannot be listed) is skipped and reported with its
 * reason, or fails the run naming it with {@code --strict}. Each file is decoded (subsampled when
 * much larger than the model's input) and preprocessed straight into the batch array before the
 * next is decoded, so at most one decoded image is in memory. A worker thread fills the next batch
 * while the caller runs the current one through the model (a prefetch of one batch).
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

    /** An input; {@code failure} is why a directory entry cannot be used, found while listing. */
    private record Item(Path file, boolean fromDirectory, String failure) {}

    private final List<Item> items;
    private final ImageDecoder decoder;
    private final ImagePreprocessor preprocessor;
    private final int batchSize;
    private final int targetSide;
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
     * @param strict fail on the first unusable entry in a directory instead of skipping it
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
        long floats = (long) batchSize * preprocessor.floatsPerImage();
        if (floats > OptionBounds.MAX_ARRAY) {
            throw new IllegalArgumentException(
                    "--batch "
                            + batchSize
                            + " of "
                            + preprocessor.channels()
                            + "x"
                            + preprocessor.size()
                            + "x"
                            + preprocessor.size()
                            + " inputs is "
                            + floats
                            + " floats, more than one array holds; use --batch <= "
                            + OptionBounds.MAX_ARRAY / preprocessor.floatsPerImage());
        }
        this.items = list(inputs);
        this.decoder = decoder;
        this.preprocessor = preprocessor;
        this.batchSize = batchSize;
        // The short side the preprocessor resizes to: the decoder may subsample down to a few
        // times that.
        this.targetSide =
                (int)
                        Math.min(
                                Integer.MAX_VALUE,
                                Math.floor(
                                        preprocessor.size()
                                                / (double) preprocessor.preprocessing().cropPct()));
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
                List<Item> entries = walk(p);
                if (entries.isEmpty()) {
                    throw new IllegalArgumentException("directory " + p + " holds no files");
                }
                items.addAll(entries);
            } else if (Files.isRegularFile(p)) {
                items.add(new Item(p, false, null));
            } else if (Files.isSymbolicLink(p)) {
                throw new IllegalArgumentException(p + " is a dangling symbolic link");
            } else if (Files.exists(p)) {
                throw new IllegalArgumentException(
                        p + " is not a regular file (a FIFO, socket or device)");
            } else {
                throw new IllegalArgumentException(p + " does not exist");
            }
        }
        return items;
    }

    /** A directory's entries, sorted; those that cannot be used carry the reason. */
    private static List<Item> walk(Path dir) throws IOException {
        List<Item> entries = new ArrayList<>();
        Files.walkFileTree(
                dir,
                EnumSet.of(FileVisitOption.FOLLOW_LINKS),
                Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        String failure = null;
                        if (attrs.isSymbolicLink()) {
                            // Only a link whose target cannot be read arrives unresolved.
                            failure = "is a dangling symbolic link";
                        } else if (attrs.isOther()) {
                            failure = "not a regular file (a FIFO, socket or device)";
                        } else if (!attrs.isRegularFile()) {
                            failure = "not a regular file";
                        }
                        entries.add(new Item(file, true, failure));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        String failure;
                        if (e instanceof FileSystemLoopException) {
                            failure =
                                    "is a symbolic link loop (it leads back to a directory"
                                            + " above it); not followed";
                        } else if (e instanceof AccessDeniedException) {
                            failure = "cannot be read: permission denied";
                        } else {
                            failure = "cannot be read: " + e;
                        }
                        entries.add(new Item(file, true, failure));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path d, IOException e) {
                        if (e != null) {
                            entries.add(
                                    new Item(
                                            d,
                                            true,
                                            e instanceof AccessDeniedException
                                                    ? "directory cannot be listed: permission"
                                                            + " denied"
                                                    : "directory cannot be listed: " + e));
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
        entries.sort(Comparator.comparing(Item::file));
        return entries;
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

    /**
     * Decodes and preprocesses up to one batch of the remaining files (worker thread), one file at
     * a time straight into the batch array.
     */
    private Batch load() {
        int per = preprocessor.floatsPerImage();
        float[] values = null;
        List<Path> files = new ArrayList<>(Math.min(batchSize, items.size()));
        while (files.size() < batchSize && next < items.size()) {
            Item item = items.get(next++);
            if (item.failure() != null) {
                skip(item, item.failure(), null);
                continue;
            }
            long t0 = System.nanoTime();
            DecodedImage image;
            try {
                image = decoder.decode(item.file(), targetSide);
            } catch (ImageFormatException e) {
                decodeNanos += System.nanoTime() - t0;
                if (strict || !item.fromDirectory()) {
                    throw e;
                }
                skip(item, e.reason(), e);
                continue;
            } catch (IOException | RuntimeException e) {
                decodeNanos += System.nanoTime() - t0;
                skip(item, reason(e, item.file()), e);
                continue;
            }
            long t1 = System.nanoTime();
            decodeNanos += t1 - t0;
            if (values == null) {
                values = new float[Math.min(batchSize, items.size() - next + 1) * per];
            }
            try {
                preprocessor.apply(image, values, files.size() * per);
                files.add(item.file());
            } catch (RuntimeException e) {
                skip(item, "cannot be preprocessed: " + reason(e, item.file()), e);
            } finally {
                preprocessNanos += System.nanoTime() - t1;
            }
        }
        if (files.isEmpty()) {
            return null;
        }
        int used = files.size() * per;
        return new Batch(values.length == used ? values : Arrays.copyOf(values, used), files);
    }

    /** Records an unusable file, or fails the run naming it (strict, or named directly). */
    private void skip(Item item, String reason, Exception cause) {
        if (strict || !item.fromDirectory()) {
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(item.file() + ": " + reason, io);
            }
            throw new IllegalArgumentException(item.file() + ": " + reason, cause);
        }
        synchronized (skipped) {
            skipped.add(new Skipped(item.file().toString(), reason));
        }
    }

    /** An exception's message without the file name it may start with. */
    private static String reason(Exception e, Path file) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        String name = file.toString();
        if (message.startsWith("cannot read " + name + ": ")) {
            return "cannot be read: " + message.substring(name.length() + 14);
        }
        if (message.startsWith(name + ": ")) {
            return message.substring(name.length() + 2);
        }
        return message;
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
