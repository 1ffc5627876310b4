package io.github.fastvision.training.data;

import java.util.List;

/**
 * A labelled image classification set held in memory as 8-bit pixels, channels first. Every image
 * has the same size; transforms turn them into float tensors of the model's input size.
 */
public interface ImageDataset {

    /**
     * Returns the number of images.
     *
     * @return the size
     */
    int size();

    /**
     * Returns the image channels (1 for grayscale, 3 for RGB).
     *
     * @return channels
     */
    int channels();

    /**
     * Returns the stored image height.
     *
     * @return pixels
     */
    int height();

    /**
     * Returns the stored image width.
     *
     * @return pixels
     */
    int width();

    /**
     * Returns the class names, index = label.
     *
     * @return class names
     */
    List<String> classes();

    /**
     * Returns the label of an image.
     *
     * @param index image index
     * @return class index
     */
    int label(int index);

    /**
     * Copies an image as floats in [0, 1], channels first (C, H, W).
     *
     * @param index image index
     * @param dst destination of at least {@code channels * height * width} floats
     */
    void pixels(int index, float[] dst);

    /**
     * Returns a short description for logs and results.
     *
     * @return the description
     */
    String describe();
}
