package io.github.fastvision.training.data;

import io.github.fastvision.training.data.transform.FloatImage;
import java.util.BitSet;
import java.util.List;

/**
 * A view of some images of another {@link ImageDataset}, in their original order; no pixels are
 * copied. Used to hold out the items a training set never drew, for example as validation data for
 * choosing a hyper-parameter.
 */
public final class ImageSubset implements ImageDataset {

    private final ImageDataset source;
    private final int[] indices;
    private final String description;

    private ImageSubset(ImageDataset source, int[] indices, String description) {
        this.source = source;
        this.indices = indices;
        this.description = description;
    }

    /**
     * Returns the images of {@code source} whose indices are not set in {@code excluded}.
     *
     * @param source the full set
     * @param excluded indices to leave out, all below {@code source.size()}
     * @return the remaining images, at least one
     * @throws IllegalArgumentException if {@code excluded} names an index outside the source or
     *     leaves nothing
     */
    public static ImageSubset excluding(ImageDataset source, BitSet excluded) {
        if (excluded.length() > source.size()) {
            throw new IllegalArgumentException(
                    "cannot exclude image "
                            + (excluded.length() - 1)
                            + " of "
                            + source.describe()
                            + ", which has "
                            + source.size()
                            + " images");
        }
        int kept = source.size() - excluded.cardinality();
        if (kept < 1) {
            throw new IllegalArgumentException(
                    "excluding "
                            + excluded.cardinality()
                            + " images leaves none of the "
                            + source.size()
                            + " in "
                            + source.describe());
        }
        int[] indices = new int[kept];
        int j = 0;
        for (int i = excluded.nextClearBit(0);
                i < source.size();
                i = excluded.nextClearBit(i + 1)) {
            indices[j++] = i;
        }
        return new ImageSubset(
                source,
                indices,
                kept + " of " + source.describe() + " (" + excluded.cardinality() + " held back)");
    }

    /**
     * Returns the index in the source of one of this subset's images.
     *
     * @param index index in this subset
     * @return index in the source
     */
    public int sourceIndex(int index) {
        return indices[index];
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int channels() {
        return source.channels();
    }

    @Override
    public int height() {
        return source.height();
    }

    @Override
    public int width() {
        return source.width();
    }

    @Override
    public List<String> classes() {
        return source.classes();
    }

    @Override
    public int label(int index) {
        return source.label(indices[index]);
    }

    @Override
    public void pixels(int index, float[] dst) {
        source.pixels(indices[index], dst);
    }

    @Override
    public FloatImage image(int index) {
        return source.image(indices[index]);
    }

    @Override
    public String describe() {
        return description;
    }
}
