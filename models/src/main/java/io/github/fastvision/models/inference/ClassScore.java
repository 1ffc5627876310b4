package io.github.fastvision.models.inference;

/**
 * One class of a prediction.
 *
 * @param index the class index
 * @param name the class name
 * @param probability the softmax probability in [0, 1]
 */
public record ClassScore(int index, String name, double probability) {}
