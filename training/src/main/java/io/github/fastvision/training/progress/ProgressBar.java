package io.github.fastvision.training.progress;

import io.github.fastvision.training.EpochMetrics;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.TrainingListener;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar redrawn in place with loss, accuracy, images/s and the epoch's ETA,
 * and one summary line per epoch. It redraws at most five times a second.
 */
public final class ProgressBar implements TrainingListener {

    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter out;
    private int epochs;
    private int batchSize;
    private long lastDraw;

    /**
     * Creates a bar.
     *
     * @param out where to draw (standard error for the command line)
     */
    public ProgressBar(PrintWriter out) {
        this.out = out;
    }

    /**
     * Creates a bar on a stream.
     *
     * @param out where to draw
     */
    public ProgressBar(PrintStream out) {
        this(new PrintWriter(out, true));
    }

    @Override
    public void onStart(TrainConfig config, int startEpoch, int batchesPerEpoch) {
        epochs = config.epochs();
        batchSize = config.batch();
        out.printf(
                Locale.ROOT,
                "training %s on %s: %d epochs from epoch %d, batch %d, %d steps/epoch, recipe %s%n",
                config.model(), config.dataset(), config.epochs(), startEpoch + 1, config.batch(), batchesPerEpoch,
                config.recipe().name());
        out.flush();
    }

    @Override
    public void onBatch(int epoch, int batch, int batches, double loss, double accuracy, double imagesPerSecond) {
        long now = System.nanoTime();
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
    String line(int epoch, int batch, int batches, double loss, double accuracy, double imagesPerSecond) {
        int filled = (int) ((long) WIDTH * batch / batches);
        StringBuilder bar = new StringBuilder();
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        long eta = imagesPerSecond > 0 ? Math.round((double) (batches - batch) * batchSize / imagesPerSecond) : 0;
        return String.format(
                Locale.ROOT,
                "epoch %d/%d [%s] %d/%d loss %.4f acc %5.1f%% %6.0f img/s ETA %d:%02d ",
                epoch + 1, epochs, bar, batch, batches, loss, 100 * accuracy, imagesPerSecond, eta / 60, eta % 60);
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        out.printf(
                Locale.ROOT,
                "%nepoch %d: train loss %.4f acc %.2f%%, test loss %.4f acc %.2f%%, lr %.2e, %.1f s, %.0f img/s,"
                        + " RSS %.0f MiB%n",
                m.epoch(), m.trainLoss(), 100 * m.trainAccuracy(), m.testLoss(), 100 * m.testAccuracy(), m.lr(),
                m.trainSeconds(), m.imagesPerSecond(), m.rssMiB());
        out.flush();
    }
}
