package io.github.fastvision.training;

import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.FashionMnist;
import io.github.fastvision.training.data.InMemoryDataset;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Small real Fashion-MNIST splits from the bundled subset, for fast tests. */
public final class TinyData {

    private static DatasetSplit bundled;

    private TinyData() {}

    /**
     * Returns the bundled subset (3,000 / 1,000).
     *
     * @return the split
     */
    public static synchronized DatasetSplit bundled() {
        if (bundled == null) {
            try {
                bundled = FashionMnist.loadBundledSubset();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bundled;
    }

    /**
     * Returns a balanced split of the bundled subset.
     *
     * @param trainPerClass training images per class
     * @param testPerClass test images per class
     * @return the split
     */
    public static DatasetSplit of(int trainPerClass, int testPerClass) {
        DatasetSplit all = bundled();
        return new DatasetSplit(
                ((InMemoryDataset) all.train()).balancedSubset(trainPerClass),
                ((InMemoryDataset) all.test()).balancedSubset(testPerClass));
    }
}
