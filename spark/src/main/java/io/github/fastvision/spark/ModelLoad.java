package io.github.fastvision.spark;

import java.io.Serializable;

/**
 * One load of the model into an executor JVM (once per JVM and model, then cached).
 *
 * @param executor the Spark executor id ({@code driver} in local mode)
 * @param model the zoo name
 * @param seconds wall time of the load (weights read, model built, inference mode entered)
 */
public record ModelLoad(String executor, String model, double seconds) implements Serializable {}
