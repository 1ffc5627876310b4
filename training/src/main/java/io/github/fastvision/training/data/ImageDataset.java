package io.github.fastvision.training.data;

import io.github.fastvision.training.data.transform.FloatImage;
import java.util.List;

/**
 * A labelled image classification set, channels first. {@link #pixels} gives every image at one
 * size ({@link #height()} × {@link #width()}); {@link #image} gives what transforms start from,
 * which for image folders is the decoded file at its own size, so that training resizes it exactly
 * as {@code predict} resizes the file.
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
     * Returns an image as transforms take it: floats in [0, 1], channels first. By default the
     * {@link #pixels} at the dataset's size; a set whose images differ in size returns each at its
     * own.
     *
     * @param index image index
     * @return a new image the caller may modify
     */
    default FloatImage image(int index) {
        float[] data = new float[channels() * height() * width()];
        pixels(index, data);
        return new FloatImage(data, channels(), height(), width());
    }

    /**
     * Returns a short description for logs and results.
     *
     * @return the description
     */
    String describe();
}
