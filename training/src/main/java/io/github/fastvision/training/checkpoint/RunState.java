package io.github.fastvision.training.checkpoint;

import io.github.fastvision.training.EpochMetrics;
import java.util.List;

/**
 * The JSON description at the head of a checkpoint: enough to check that a resume continues the
 * same run, and the metrics so far.
 *
 * @param format description format version
 * @param model model name
 * @param recipe recipe name
 * @param epochs the run's total epochs
 * @param batch batch size
 * @param imageSize input side
 * @param stemStride the model's stem stride (0: the family's stem; absent in older checkpoints)
 * @param seed the run's seed
 * @param dataset dataset name
 * @param epochsDone epochs completed
 * @param steps optimizer steps taken
 * @param history metrics of the completed epochs
 */
public record RunState(
        int format,
        String model,
        String recipe,
        int epochs,
        int batch,
        int imageSize,
        int stemStride,
        long seed,
        String dataset,
        int epochsDone,
        long steps,
        List<EpochMetrics> history) {}
