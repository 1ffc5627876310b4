package io.github.fastvision.training.data;

import ai.djl.modality.cv.Image.Interpolation;
import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.inference.ImageDecoder;
import io.github.fastvision.training.data.transform.FloatImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Users' own images in the torchvision {@code ImageFolder} layout: one sub-folder per class, named
 * after it, holding PNG/JPEG/BMP/GIF files. A root with {@code train/} and {@code test/} (or {@code
 * val/}) sub-folders gives both splits; a root of class folders alone is split deterministically,
 * every fifth image of each class going to the test set.
 *
 * <p>Files are decoded by {@code predict}'s {@link ImageDecoder} (its pixel bound and messages) and
 * converted to the channel count by {@link ImagePreprocessor#toChannels}. Transforms start from
 * each image at its own size ({@link ImageDataset#image}), so evaluation resizes it with exactly
 * the code and arithmetic {@code predict} applies to the same file. Decoded images are kept in
 * memory up to {@link #CACHE_BYTES} per load (a quarter of the heap if that is less); the rest are
 * decoded again from their files when used. {@link ImageDataset#pixels} gives every image resized
 * to the square {@code size} (short side to {@code size}, centered crop), for previews and code
 * that needs one size.
 */
public final class ImageFolderDataset {

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    /** Decoded pixels kept in memory per {@link #load}; larger sets decode again on each use. */
    public static final long CACHE_BYTES = 512L << 20;

    private ImageFolderDataset() {}

    /**
     * Loads a folder.
     *
     * @param root the root folder
     * @param channels 1 (luminance) or 3 (RGB)
     * @param size the square side {@link ImageDataset#pixels} gives images at
     * @return training and test split
     * @throws IOException if a file cannot be read
     * @throws io.github.fastvision.models.inference.ImageFormatException naming a file that is not
     *     a decodable image or is over the decoder's pixel bound
     */
    public static DatasetSplit load(Path root, int channels, int size) throws IOException {
        return load(
                root, channels, size, Math.min(CACHE_BYTES, Runtime.getRuntime().maxMemory() / 4));
    }

    /** {@link #load} keeping at most {@code cacheBytes} of decoded pixels in memory. */
    static DatasetSplit load(Path root, int channels, int size, long cacheBytes)
            throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(
                    "dataset "
                            + root
                            + " is neither a known name (fashion-mnist, fashion-mnist-subset) nor a"
                            + " directory");
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3 but was " + channels);
        }
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1 but was " + size);
        }
        long[] budget = {cacheBytes};
        Path train = root.resolve("train");
        Path test =
                Files.isDirectory(root.resolve("test"))
                        ? root.resolve("test")
                        : root.resolve("val");
        if (Files.isDirectory(train) && Files.isDirectory(test)) {
            List<String> classes = classes(train);
            List<String> testClasses = classes(test);
            if (!classes.equals(testClasses)) {
                throw new IllegalArgumentException(
                        "class folders differ between "
                                + train
                                + " "
                                + classes
                                + " and "
                                + test
                                + " "
                                + testClasses);
            }
            return new DatasetSplit(
                    read(
                            files(train, classes, -1, false),
                            classes,
                            channels,
                            size,
                            train.toString(),
                            budget),
                    read(
                            files(test, classes, -1, false),
                            classes,
                            channels,
                            size,
                            test.toString(),
                            budget));
        }
        List<String> classes = classes(root);
        return new DatasetSplit(
                read(
                        files(root, classes, 5, false),
                        classes,
                        channels,
                        size,
                        root + " (train: 4 of 5)",
                        budget),
                read(
                        files(root, classes, 5, true),
                        classes,
                        channels,
                        size,
                        root + " (test: every 5th)",
                        budget));
    }

    private record Item(Path file, int label) {}

    private static List<String> classes(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .forEach(names::add);
        }
        if (names.size() < 2) {
            throw new IllegalArgumentException(
                    dir
                            + " has "
                            + names.size()
                            + " class folder(s); expected one sub-folder per class, at least"
                            + " two");
        }
        return names;
    }

    private static List<Item> files(Path dir, List<String> classes, int every, boolean test)
            throws IOException {
        List<Item> items = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            List<Path> images = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir.resolve(classes.get(c)))) {
                s.filter(ImageFolderDataset::isImage).sorted().forEach(images::add);
            }
            if (images.isEmpty()) {
                throw new IllegalArgumentException(
                        dir.resolve(classes.get(c))
                                + " has no images (expected "
                                + EXTENSIONS
                                + ")");
            }
            for (int i = 0; i < images.size(); i++) {
                boolean isTest = every > 0 && i % every == every - 1;
                if (every <= 0 || isTest == test) {
                    items.add(new Item(images.get(i), c));
                }
            }
        }
        return items;
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static ImageDataset read(
            List<Item> items,
            List<String> classes,
            int channels,
            int size,
            String description,
            long[] budget)
            throws IOException {
        if (items.isEmpty()) {
            throw new IllegalArgumentException(description + " holds no images");
        }
        Path[] files = new Path[items.size()];
        DecodedImage[] cached = new DecodedImage[items.size()];
        int[] labels = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            files[i] = items.get(i).file();
            labels[i] = items.get(i).label();
            // Every file is decoded once here, so a bad one is reported before training starts.
            DecodedImage image = decode(files[i], channels);
            long bytes = (long) channels * image.height() * image.width();
            if (bytes <= budget[0]) {
                cached[i] = image;
                budget[0] -= bytes;
            }
        }
        return new Folder(
                files,
                cached,
                labels,
                channels,
                size,
                List.copyOf(classes),
                description + ", " + items.size() + " images");
    }

    private static DecodedImage decode(Path file, int channels) throws IOException {
        return ImagePreprocessor.toChannels(ImageDecoder.standard().decode(file), channels);
    }

    /** The images of one split: decoded ones in memory, the rest named by their files. */
    private static final class Folder implements ImageDataset {
        private final Path[] files;
        private final DecodedImage[] cached;
        private final int[] labels;
        private final int channels;
        private final int size;
        private final List<String> classes;
        private final String description;

        Folder(
                Path[] files,
                DecodedImage[] cached,
                int[] labels,
                int channels,
                int size,
                List<String> classes,
                String description) {
            this.files = files;
            this.cached = cached;
            this.labels = labels;
            this.channels = channels;
            this.size = size;
            this.classes = classes;
            this.description = description;
        }

        private DecodedImage decoded(int index) {
            if (cached[index] != null) {
                return cached[index];
            }
            try {
                return decode(files[index], channels);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read " + files[index] + ": " + e.getMessage(), e);
            }
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
            return size;
        }

        @Override
        public int width() {
            return size;
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
            FloatImage image = image(index);
            float[] square =
                    ImagePreprocessor.resizeAndCrop(
                            image.data(),
                            channels,
                            image.height(),
                            image.width(),
                            Interpolation.BILINEAR,
                            1f,
                            size);
            System.arraycopy(square, 0, dst, 0, square.length);
        }

        @Override
        public FloatImage image(int index) {
            DecodedImage d = decoded(index);
            return new FloatImage(ImagePreprocessor.toFloats(d), channels, d.height(), d.width());
        }

        @Override
        public String describe() {
            return description;
        }
    }
}
