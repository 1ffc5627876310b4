package io.github.fastvision.training.progress;

import io.github.fastvision.training.EpochMetrics;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainingLoopListener;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress with loss, accuracy, images/s and the epoch's ETA, and one summary line per
 * epoch. On a terminal it is a one-line bar redrawn in place at most five times a second; in a log
 * (standard error redirected, {@code System.console() == null}) it writes a plain line at most
 * every {@link #LOG_INTERVAL_SECONDS} seconds and at the epoch's last batch instead, so a log file
 * holds a few lines per epoch rather than hundreds of carriage-return redraws.
 */
public final class TrainingProgressBar implements TrainingLoopListener {

    /** Seconds between progress lines when the output is not a terminal. */
    public static final int LOG_INTERVAL_SECONDS = 10;

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long LOG_NANOS = LOG_INTERVAL_SECONDS * 1_000_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier clock;
    private int epochs;
    private int batchSize;
    private long lastDraw;

    /**
     * Creates a bar for a terminal or a log, with an explicit clock.
     *
     * @param out where to draw
     * @param terminal whether {@code out} is a terminal (redraw in place) or a log (plain lines)
     * @param clock nanosecond time source (tests pass a fake one)
     */
    public TrainingProgressBar(PrintWriter out, boolean terminal, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = clock;
        // A terminal draws the first batch at once; a log waits one interval for its first line.
        this.lastDraw = terminal ? clock.getAsLong() - REDRAW_NANOS : clock.getAsLong();
    }

    /**
     * Creates a bar; it redraws in place only if the process has a console.
     *
     * @param out where to draw (standard error for the command line)
     */
    public TrainingProgressBar(PrintWriter out) {
        this(out, System.console() != null, System::nanoTime);
    }

    /**
     * Creates a bar on a stream.
     *
     * @param out where to draw
     */
    public TrainingProgressBar(PrintStream out) {
        this(new PrintWriter(out, true));
    }

    @Override
    public void onStart(TrainConfig config, int startEpoch, int batchesPerEpoch) {
        epochs = config.epochs();
        batchSize = config.batch();
        // A run that only a step or time budget ends has no epoch count to show.
        String length =
                config.epochs() == Integer.MAX_VALUE
                        ? (config.maxSteps() > 0
                                ? config.maxSteps() + " steps"
                                : "a budget of " + config.timeBudget())
                        : config.epochs() + " epochs";
        out.printf(
                Locale.ROOT,
                "training %s on %s: %s from epoch %d, batch %d, %d steps/epoch, recipe %s%n",
                config.model(),
                config.dataset(),
                length,
                startEpoch + 1,
                config.batch(),
                batchesPerEpoch,
                config.recipe().name());
        out.flush();
    }

    @Override
    public void onBatch(
            int epoch,
            int batch,
            int batches,
            double loss,
            double accuracy,
            double imagesPerSecond) {
        long now = clock.getAsLong();
        if (!terminal) {
            // Every few seconds and at the epoch's end, so that each epoch leaves at least one
            // line.
            if (batch == batches || now - lastDraw >= LOG_NANOS) {
                lastDraw = now;
                out.println(
                        line(epoch, batch, batches, loss, accuracy, imagesPerSecond)
                                .stripTrailing());
                out.flush();
            }
            return;
        }
        if (batch != batches && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        out.print("\r" + line(epoch, batch, batches, loss, accuracy, imagesPerSecond));
        out.flush();
    }

    /**
     * Formats one bar line.
     *
     * @param epoch 0-based epoch
     * @param batch 1-based batch
     * @param batches batches per epoch
     * @param loss running loss
     * @param accuracy running accuracy in [0, 1]
     * @param imagesPerSecond throughput
     * @return the line
     */
    String line(
            int epoch,
            int batch,
            int batches,
            double loss,
            double accuracy,
            double imagesPerSecond) {
        int filled = (int) ((long) WIDTH * batch / batches);
        StringBuilder bar = new StringBuilder();
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        long eta =
                imagesPerSecond > 0
                        ? Math.round((double) (batches - batch) * batchSize / imagesPerSecond)
                        : 0;
        String of = epochs == Integer.MAX_VALUE ? "" : "/" + epochs;
        return String.format(
                Locale.ROOT,
                "epoch %d%s [%s] %d/%d loss %.4f acc %5.1f%% %6.0f img/s ETA %d:%02d ",
                epoch + 1,
                of,
                bar,
                batch,
                batches,
                loss,
                100 * accuracy,
                imagesPerSecond,
                eta / 60,
                eta % 60);
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        if (terminal) {
            // End the bar's line.
            out.println();
        }
        out.printf(
                Locale.ROOT,
                "epoch %d: train loss %.4f acc %.2f%%, test loss %.4f acc %.2f%%, lr %.2e, %.1f s, %.0f img/s,"
                        + " RSS %.0f MiB%n",
                m.epoch(),
                m.trainLoss(),
                100 * m.trainAccuracy(),
                m.testLoss(),
                100 * m.testAccuracy(),
                m.lr(),
                m.trainSeconds(),
                m.imagesPerSecond(),
                m.rssMiB());
        out.flush();
    }
}
