package io.github.fastvision.training.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Users' own images in the torchvision {@code ImageFolder} layout: one sub-folder per class, named
 * after it, holding PNG/JPEG/BMP/GIF files. A root with {@code train/} and {@code test/} (or {@code
 * val/}) sub-folders gives both splits; a root of class folders alone is split deterministically,
 * every fifth image of each class going to the test set. Images are decoded once, resized to a
 * square storage size and kept in memory as 8-bit pixels.
 */
public final class ImageFolderDataset {

    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

    private ImageFolderDataset() {}

    /**
     * Loads a folder.
     *
     * @param root the root folder
     * @param channels 1 (luminance) or 3 (RGB)
     * @param size the square side images are stored at
     * @return training and test split
     * @throws IOException if a file cannot be read
     */
    public static DatasetSplit load(Path root, int channels, int size) throws IOException {
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
                            train.toString()),
                    read(
                            files(test, classes, -1, false),
                            classes,
                            channels,
                            size,
                            test.toString()));
        }
        List<String> classes = classes(root);
        return new DatasetSplit(
                read(
                        files(root, classes, 5, false),
                        classes,
                        channels,
                        size,
                        root + " (train: 4 of 5)"),
                read(
                        files(root, classes, 5, true),
                        classes,
                        channels,
                        size,
                        root + " (test: every 5th)"));
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

    private static InMemoryDataset read(
            List<Item> items, List<String> classes, int channels, int size, String description)
            throws IOException {
        if (items.isEmpty()) {
            throw new IllegalArgumentException(description + " holds no images");
        }
        int per = channels * size * size;
        byte[] pixels = new byte[items.size() * per];
        int[] labels = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            BufferedImage img = ImageIO.read(items.get(i).file().toFile());
            if (img == null) {
                throw new IllegalArgumentException(
                        items.get(i).file()
                                + " is not a readable image (expected PNG, JPEG, BMP or GIF)");
            }
            BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scaled.createGraphics();
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, size, size, null);
            g.dispose();
            int base = i * per;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int rgb = scaled.getRGB(x, y);
                    int r = (rgb >> 16) & 0xff;
                    int gr = (rgb >> 8) & 0xff;
                    int b = rgb & 0xff;
                    int at = y * size + x;
                    if (channels == 1) {
                        pixels[base + at] = (byte) Math.round(0.299 * r + 0.587 * gr + 0.114 * b);
                    } else {
                        pixels[base + at] = (byte) r;
                        pixels[base + size * size + at] = (byte) gr;
                        pixels[base + 2 * size * size + at] = (byte) b;
                    }
                }
            }
            labels[i] = items.get(i).label();
        }
        return InMemoryDataset.builder()
                .setPixels(pixels)
                .setLabels(labels)
                .setImageShape(channels, size, size)
                .setClasses(classes)
                .optDescription(description + ", " + items.size() + " images")
                .build();
    }
}
