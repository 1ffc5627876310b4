package io.github.fastvision.training.data;

/**
 * One batch ready for the engine.
 *
 * @param images N·C·H·W floats
 * @param labels N hard labels (the dominant one after mixing)
 * @param targets N·K soft targets (label smoothing and mixing applied)
 * @param size N
 * @param channels C
 * @param height H
 * @param width W
 * @param classes K
 */
public record TrainingBatch(
        float[] images,
        int[] labels,
        float[] targets,
        int size,
        int channels,
        int height,
        int width,
        int classes) {}
