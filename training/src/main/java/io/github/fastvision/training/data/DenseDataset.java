package io.github.fastvision.training.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Images with a class label per pixel, handed out as tensors, for dense-prediction training. */
public interface DenseDataset {

    /**
     * Returns the number of images.
     *
     * @return the size
     */
    int size();

    /**
     * Returns the number of classes, background included.
     *
     * @return classes
     */
    int numClasses();

    /**
     * Returns the image channels.
     *
     * @return channels
     */
    int channels();

    /**
     * Returns images {@code [from, to)}: (N, C, H, W) float32 and labels (N, H, W) int64.
     *
     * @param manager owner of the two arrays
     * @param from first image
     * @param to one past the last, {@code from < to <= size()}
     * @return {images, labels}
     */
    NDArray[] batch(NDManager manager, int from, int to);
}
