package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import java.util.List;

/**
 * The rows one engine (at one precision) gives the model suites; {@link ZooModelSuite#engines}
 * lists those a run measures, so another engine or precision is one more implementation there.
 */
interface EngineRows {

    /**
     * Measures models.
     *
     * @param s settings
     * @param models model names (zoo names, DJL baselines, weights files)
     * @param refused where a model that cannot run on this engine is recorded as a finding
     * @return one row per model and batch measured
     */
    List<BenchRow> measure(BenchSettings s, List<String> models, List<BenchReport.Finding> refused);
}
