package io.github.fastvision.training.checkpoint;

import io.github.fastvision.training.EpochMetrics;
import io.github.fastvision.training.TrainConfig;
import java.util.List;

/**
 * The JSON description at the head of a checkpoint: enough to check that a resume continues the
 * same run, and the metrics so far. A record so that it round-trips through JSON; build one with
 * {@link #of(int, TrainConfig)} and {@link #withProgress}.
 *
 * @param format description format version
 * @param model model name
 * @param recipe recipe name
 * @param epochs the run's total epochs
 * @param batch batch size
 * @param imageSize input side
 * @param stemStride the model's stem stride (0: the family's stem)
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
        List<EpochMetrics> history) {

    /**
     * The description of a run before its first epoch.
     *
     * @param format description format version
     * @param config the run
     * @return the state with no epoch done
     */
    public static RunState of(int format, TrainConfig config) {
        return new RunState(
                format,
                config.model(),
                config.recipe().name(),
                config.epochs(),
                config.batch(),
                config.imageSize(),
                config.stemStride(),
                config.seed(),
                config.dataset(),
                0,
                0,
                List.of());
    }

    /**
     * The same run after more training.
     *
     * @param done epochs completed
     * @param stepsTaken optimizer steps taken
     * @param epochs metrics of the completed epochs
     * @return the updated state
     */
    public RunState withProgress(int done, long stepsTaken, List<EpochMetrics> epochs) {
        return new RunState(
                format,
                model,
                recipe,
                this.epochs,
                batch,
                imageSize,
                stemStride,
                seed,
                dataset,
                done,
                stepsTaken,
                List.copyOf(epochs));
    }
}
