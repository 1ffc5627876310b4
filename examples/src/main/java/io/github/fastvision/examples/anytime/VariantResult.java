package io.github.fastvision.examples.anytime;

import java.util.List;

/**
 * One variant's row of the table.
 *
 * @param exits per-exit results
 * @param trainSteps steps trained (read from the checkpoint's description when loaded)
 * @param trainSeconds training time (likewise)
 * @param loadedFrom the checkpoint loaded, or null
 */
public record VariantResult(
        List<ExitResult> exits, long trainSteps, double trainSeconds, String loadedFrom) {}
