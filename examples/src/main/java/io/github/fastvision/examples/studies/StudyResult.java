package io.github.fastvision.examples.studies;

import java.util.List;
import java.util.Map;

/**
 * A study's outcome: one row per trained model, plain-language findings, and the run's cost.
 *
 * @param study the study's name
 * @param paper what it reproduces
 * @param setup dataset, epochs and the fixed settings
 * @param rows one map per model (stable keys, JSON-friendly values)
 * @param findings each paper claim and whether it held here
 * @param seconds wall time of the whole study
 */
public record StudyResult(
        String study,
        String paper,
        String setup,
        List<Map<String, Object>> rows,
        List<String> findings,
        double seconds) {}
