package io.github.fastvision.training;

import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a run.
 *
 * @param model model name
 * @param epochs epochs completed (the last one possibly cut short by a step or time budget)
 * @param testAccuracy final test accuracy (the task's metric) in [0, 1]
 * @param trainSeconds wall time of this invocation (training and evaluation)
 * @param imagesPerSecond mean training throughput of this invocation
 * @param out output directory, or null
 * @param history every epoch, including those before a resume
 * @param steps optimizer steps taken, including those before a resume
 */
public record TrainResult(
        String model,
        int epochs,
        double testAccuracy,
        double trainSeconds,
        double imagesPerSecond,
        Path out,
        List<EpochMetrics> history,
        long steps) {}
