package io.github.fastvision.models;

/**
 * One stage of a backbone as heads such as ADP-C exits see it.
 *
 * @param index stage number, from 0
 * @param channels channels of the stage's output feature map
 * @param stride total downsampling of the stage's output relative to the input image
 */
public record StageInfo(int index, int channels, int stride) {}
