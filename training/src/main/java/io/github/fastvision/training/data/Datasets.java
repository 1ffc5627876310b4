package io.github.fastvision.training.data;

import java.io.IOException;
import java.nio.file.Path;

/** Opens a dataset by the name the command line takes: a known name or an image folder. */
public final class Datasets {

    /** The full Fashion-MNIST from Debian's package, else the bundled subset. */
    public static final String FASHION_MNIST = "fashion-mnist";

    /** The bundled balanced subset of Fashion-MNIST (3,000 train, 1,000 test). */
    public static final String FASHION_MNIST_SUBSET = "fashion-mnist-subset";

    private Datasets() {}

    /**
     * Opens a dataset.
     *
     * @param spec {@code fashion-mnist}, {@code fashion-mnist-subset} or an image-folder path
     * @param channels channels for image folders (Fashion-MNIST is always 1)
     * @param storeSize the square side an image folder's {@link ImageDataset#pixels} gives (its
     *     transforms start from each decoded image at its own size)
     * @return training and test split
     * @throws IOException if files cannot be read
     */
    public static DatasetSplit open(String spec, int channels, int storeSize) throws IOException {
        if (FASHION_MNIST.equals(spec)) {
            return FashionMnist.isInstalled()
                    ? FashionMnist.load(FashionMnist.DEBIAN_DIR)
                    : FashionMnist.loadBundledSubset();
        }
        if (FASHION_MNIST_SUBSET.equals(spec)) {
            return FashionMnist.loadBundledSubset();
        }
        return ImageFolderDataset.load(Path.of(spec), channels, storeSize);
    }

    /**
     * The square side of an image folder's {@link ImageDataset#pixels} for a model input side: 8/7
     * of it (the ImageNet resize-then-crop ratio, 256/224).
     *
     * @param imageSize the model's input side
     * @return the storage side
     */
    public static int storeSize(int imageSize) {
        return Math.max(imageSize, (int) Math.ceil(imageSize * 8 / 7.0));
    }

    /**
     * Returns the channel count a dataset spec yields.
     *
     * @param spec the spec
     * @param folderChannels what image folders are decoded to
     * @return channels
     */
    public static int channels(String spec, int folderChannels) {
        return FASHION_MNIST.equals(spec) || FASHION_MNIST_SUBSET.equals(spec) ? 1 : folderChannels;
    }
}
