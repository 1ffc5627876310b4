package io.github.fastvision.training.data;

/**
 * A training set and its held-out test set.
 *
 * @param train training images
 * @param test test images, same classes and channels
 */
public record DatasetSplit(ImageDataset train, ImageDataset test) {

    /** Checks that both halves agree. */
    public DatasetSplit {
        if (!train.classes().equals(test.classes()) || train.channels() != test.channels()) {
            throw new IllegalArgumentException(
                    "train and test sets disagree: "
                            + train.classes().size()
                            + " vs "
                            + test.classes().size()
                            + " classes, "
                            + train.channels()
                            + " vs "
                            + test.channels()
                            + " channels");
        }
    }
}
