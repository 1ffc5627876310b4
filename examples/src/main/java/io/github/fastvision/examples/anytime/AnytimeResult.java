package io.github.fastvision.examples.anytime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole table.
 *
 * @param variants EE, EE+RH, ADP-C
 * @param setup what was run (the keys the CLI's JSON prints under {@code setup})
 * @param thresholdSearch how ADP-C's inference threshold was chosen, or null if it was given
 */
public record AnytimeResult(
        Map<String, VariantResult> variants,
        Map<String, Object> setup,
        ThresholdSearch.Outcome thresholdSearch) {

    /**
     * Describes a run for the {@code setup} section.
     *
     * @param config the settings
     * @param data the mosaics
     * @param inferenceThreshold ADP-C's inference threshold
     * @param outcome the threshold search's outcome, or null
     * @return the section, keys in print order
     */
    static Map<String, Object> setup(
            AnytimeConfig config,
            AnytimeData data,
            float inferenceThreshold,
            ThresholdSearch.Outcome outcome) {
        Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("model", config.model());
        setup.put("train", data.train().describe());
        setup.put("test", data.test().describe());
        setup.put("threshold", inferenceThreshold);
        setup.put("train_threshold", config.threshold());
        if (outcome != null) {
            setup.put("threshold_search", search(config.thresholdSearch(), outcome));
        }
        setup.put("item_scale", config.itemScale());
        setup.put("batch", config.batch());
        setup.put("eval_batch", config.evalBatch());
        setup.put("max_sparse_density", config.maxSparseDensity());
        setup.put("threads", Runtime.getRuntime().availableProcessors());
        return setup;
    }

    private static Map<String, Object> search(
            ThresholdSearch search, ThresholdSearch.Outcome outcome) {
        Map<String, Object> found = new LinkedHashMap<>();
        found.put("validation", outcome.validation());
        found.put("reference_miou", outcome.referenceMiou());
        found.put("tolerance_miou", search.toleranceMiou());
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ThresholdSearch.Candidate c : outcome.candidates()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("threshold", c.threshold());
            row.put("miou", c.miou());
            row.put("gflops", c.gflops());
            rows.add(row);
        }
        found.put("candidates", rows);
        found.put("chosen", outcome.chosen().threshold());
        found.put("within_tolerance", outcome.withinTolerance());
        return found;
    }
}
