package io.github.fastvision.spark;

import java.io.Serializable;

/**
 * One load of the model into an executor JVM (once per JVM and model, then cached).
 *
 * @param executor the Spark executor id ({@code driver} in local mode)
 * @param model the zoo name
 * @param engine the engine that runs it (DJL's name)
 * @param precision {@code fp32} or {@code int8}
 * @param seconds wall time of the load (weights read, model built or exported, session opened)
 */
public record ModelLoad(
        String executor, String model, String engine, String precision, double seconds)
        implements Serializable {}
