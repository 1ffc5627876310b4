package io.github.fastvision.training.progress;

import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.training.EpochMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/** Per-epoch metrics as {@code metrics.csv} and a loss/accuracy plot {@code metrics.png}. */
public final class MetricsFiles {

    /** CSV file name. */
    public static final String CSV = "metrics.csv";

    /** Plot file name. */
    public static final String PNG = "metrics.png";

    /** The CSV header. */
    public static final String HEADER =
            "epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,train_seconds,images_per_second,rss_mib";

    private MetricsFiles() {}

    /**
     * Writes both files (each atomically).
     *
     * @param dir the run directory
     * @param history every epoch so far
     * @param title plot title
     * @throws IOException if writing fails
     */
    public static void write(Path dir, List<EpochMetrics> history, String title)
            throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (EpochMetrics m : history) {
            csv.append(
                    String.format(
                            Locale.ROOT,
                            "%d,%.6f,%.6f,%.6f,%.6f,%.6g,%.3f,%.1f,%.1f%n",
                            m.epoch(),
                            m.trainLoss(),
                            m.trainAccuracy(),
                            m.testLoss(),
                            m.testAccuracy(),
                            m.lr(),
                            m.trainSeconds(),
                            m.imagesPerSecond(),
                            m.rssMiB()));
        }
        AtomicFiles.writeString(dir.resolve(CSV), csv.toString());
        plot(dir.resolve(PNG), history, title);
    }

    private static void plot(Path file, List<EpochMetrics> history, String title)
            throws IOException {
        List<Double> epochs = new ArrayList<>();
        List<Double> trainLoss = new ArrayList<>();
        List<Double> testLoss = new ArrayList<>();
        List<Double> trainAcc = new ArrayList<>();
        List<Double> testAcc = new ArrayList<>();
        for (EpochMetrics m : history) {
            epochs.add((double) m.epoch());
            trainLoss.add(m.trainLoss());
            testLoss.add(m.testLoss());
            trainAcc.add(100 * m.trainAccuracy());
            testAcc.add(100 * m.testAccuracy());
        }
        XYChart chart =
                new XYChartBuilder()
                        .width(800)
                        .height(500)
                        .title(title)
                        .xAxisTitle("epoch")
                        .yAxisTitle("loss")
                        .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.setYAxisGroupTitle(1, "accuracy (%)");
        chart.addSeries("train loss", epochs, trainLoss)
                .setMarker(org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE);
        chart.addSeries("test loss", epochs, testLoss);
        XYSeries a = chart.addSeries("train accuracy", epochs, trainAcc);
        a.setYAxisGroup(1);
        XYSeries b = chart.addSeries("test accuracy", epochs, testAcc);
        b.setYAxisGroup(1);
        AtomicFiles.write(
                file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
