package io.github.fastvision.models.inference;

import java.util.List;

/**
 * The top classes of one image, most probable first.
 *
 * @param top the classes, at least one
 */
public record Prediction(List<ClassScore> top) {

    /** Copies the list. */
    public Prediction {
        if (top.isEmpty()) {
            throw new IllegalArgumentException("a prediction needs at least one class");
        }
        top = List.copyOf(top);
    }

    /**
     * Returns the most probable class.
     *
     * @return the first entry of {@link #top()}
     */
    public ClassScore best() {
        return top.get(0);
    }
}
