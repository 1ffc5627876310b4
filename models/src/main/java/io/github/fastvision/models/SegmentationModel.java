package io.github.fastvision.models;

/**
 * A zoo model for dense prediction: its output is per-pixel class scores (N, K, H/r, W/r) at {@link
 * #outputStride()} r. The class count is fixed when the model is built ({@link
 * ModelOptions#numClasses()}); there is no classifier to reset.
 */
public abstract class SegmentationModel extends Backbone {

    /**
     * Creates the common part of a segmentation model.
     *
     * @param name the zoo name
     * @param options the options it was built with (at least one class)
     * @param stageInfo channels and stride of each stage's output
     */
    protected SegmentationModel(
            String name, ModelOptions options, java.util.List<StageInfo> stageInfo) {
        super(name, options, stageInfo);
        if (options.numClasses() < 1) {
            throw new IllegalArgumentException(
                    name + " needs at least 1 class but got " + options.numClasses());
        }
    }

    /**
     * Returns the number of classes K of the per-pixel scores.
     *
     * @return K
     */
    public int numClasses() {
        return getOptions().numClasses();
    }

    /**
     * Returns the downsampling of the score map relative to the input image.
     *
     * @return r, e.g. 4 for HRNet
     */
    public abstract int outputStride();
}
