package io.github.fastvision.benchmarks.report;

import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.core.io.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * Writes a report as JSON (the project's one JSON set-up, {@link Json}), Markdown and PNG charts
 * (XChart), each file atomically ({@link AtomicFiles}): a reader never sees half a report.
 */
public final class ReportWriter {

    /** What the int8 peak measures, as the reports print it. */
    public static final String INT8_PEAK = "1024² uint8 x int8 MatMulInteger on ONNX Runtime";

    private ReportWriter() {}

    /**
     * The lines to print under a rows table whose % peak cells left some shares empty, one per peak
     * (float32 rows against the matmul peak, int8 rows against the int8 peak when measured).
     *
     * @param report the report
     * @return the notes, often none
     */
    public static List<String> notes(BenchReport report) {
        List<String> notes = new ArrayList<>();
        boolean split = report.int8PeakOpsPerS() > 0;
        PeakShare.note(
                        report.rows().stream()
                                .filter(r -> !split || !"int8".equals(r.precision()))
                                .mapToDouble(BenchRow::flopsPerS),
                        report.peakFlopsPerS())
                .ifPresent(notes::add);
        if (split) {
            PeakShare.note(
                            report.rows().stream()
                                    .filter(r -> "int8".equals(r.precision()))
                                    .mapToDouble(BenchRow::flopsPerS),
                            report.int8PeakOpsPerS())
                    .ifPresent(n -> notes.add(n.replace("matmul peak", "int8 peak")));
        }
        return notes;
    }

    /**
     * Renders the JSON document.
     *
     * @param report the report
     * @return JSON
     */
    public static String json(BenchReport report) {
        return Json.toJson(report);
    }

    /**
     * Renders the Markdown report.
     *
     * @param report the report
     * @return Markdown
     */
    public static String markdown(BenchReport report) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "# fastvision bench %s%n%n", report.suite()));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "Threads: %d. Peak (2048² float32 matmul): %.1f G multiply-adds/s.%n%n",
                        report.threads(),
                        report.peakFlopsPerS() / 1e9));
        if (report.int8PeakOpsPerS() > 0) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "Int8 peak (%s): %.1f G multiply-adds/s; int8 rows' %% of peak is of"
                                    + " it.%n%n",
                            INT8_PEAK,
                            report.int8PeakOpsPerS() / 1e9));
        }
        sb.append(
                "| name | variant | input | batch | latency (ms) | throughput (img/s) | GFLOPs | GFLOPS | % of peak |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (BenchRow r : report.rows()) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %dx%dx%d | %d | %.3f | %.1f | %.3f | %.2f | %s |%n",
                            r.name(),
                            r.variant() == null ? "" : r.variant(),
                            r.input()[0],
                            r.input()[1],
                            r.input()[2],
                            r.batch(),
                            r.latencyMs(),
                            r.throughput(),
                            r.flops() / 1e9,
                            r.flopsPerS() / 1e9,
                            PeakShare.cell(r.flopsPerS(), report.peakFor(r))));
        }
        notes(report).forEach(n -> sb.append('\n').append(n).append(".\n"));
        if (!report.findings().isEmpty()) {
            sb.append("\n| finding | value | target | met here |\n|---|---:|---|---|\n");
            for (BenchReport.Finding f : report.findings()) {
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %.3f | %s | %s |%n",
                                f.name(),
                                f.value(),
                                f.target() == null ? "" : f.target(),
                                f.met() == null ? "" : f.met() ? "yes" : "no"));
            }
            if (report.findings().stream().anyMatch(f -> Boolean.FALSE.equals(f.met()))) {
                sb.append('\n').append(BenchReport.Finding.MISSED_NOTE).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Writes JSON, Markdown and charts into a directory.
     *
     * @param report the report
     * @param dir the output directory
     * @return the files written
     * @throws IOException if writing fails
     */
    public static List<Path> write(BenchReport report, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        Path json = dir.resolve(report.suite() + ".json");
        AtomicFiles.writeString(json, json(report));
        files.add(json);
        Path md = dir.resolve(report.suite() + ".md");
        AtomicFiles.writeString(md, markdown(report));
        files.add(md);
        files.add(flopsBars(report, dir.resolve(report.suite() + "_flops.png")));
        files.add(latencyScatter(report, dir.resolve(report.suite() + "_latency_vs_flops.png")));
        return files;
    }

    /**
     * Through XChart's stream overload: its file-name overload opens the file itself, not
     * atomically.
     */
    private static void savePng(Chart<?, ?> chart, Path file) throws IOException {
        AtomicFiles.write(
                file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    private static String label(BenchRow r) {
        boolean image = r.input()[0] == 3;
        String in = image ? "" : " " + r.input()[0] + "x" + r.input()[1] + "x" + r.input()[2];
        return r.name() + (r.variant() == null ? "" : "/" + r.variant()) + in;
    }

    /** Achieved GFLOPS per workload and batch, like fasternet Table 1. */
    private static Path flopsBars(BenchReport report, Path file) throws IOException {
        CategoryChart chart =
                new CategoryChartBuilder()
                        .width(1100)
                        .height(600)
                        .title(
                                "Achieved GFLOPS ("
                                        + report.suite()
                                        + ", "
                                        + report.threads()
                                        + " thread(s))")
                        .xAxisTitle("workload")
                        .yAxisTitle("G multiply-adds / s")
                        .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisLabelRotation(45);
        Map<Integer, List<BenchRow>> byBatch = new LinkedHashMap<>();
        for (BenchRow r : report.rows()) {
            byBatch.computeIfAbsent(r.batch(), b -> new ArrayList<>()).add(r);
        }
        List<String> categories = new ArrayList<>();
        for (BenchRow r : byBatch.values().iterator().next()) {
            categories.add(label(r));
        }
        for (Map.Entry<Integer, List<BenchRow>> e : byBatch.entrySet()) {
            if (e.getValue().size() != categories.size()) {
                continue;
            }
            List<Double> values = new ArrayList<>();
            for (BenchRow r : e.getValue()) {
                values.add(r.flopsPerS() / 1e9);
            }
            chart.addSeries("batch " + e.getKey(), categories, values);
        }
        savePng(chart, file);
        return file;
    }

    /** Latency against FLOPs, like fasternet Fig. 2. */
    private static Path latencyScatter(BenchReport report, Path file) throws IOException {
        XYChart chart =
                new XYChartBuilder()
                        .width(900)
                        .height(600)
                        .title(
                                "Latency vs FLOPs ("
                                        + report.suite()
                                        + ", batch 1, "
                                        + report.threads()
                                        + " thread(s))")
                        .xAxisTitle("GFLOPs (multiply-adds)")
                        .yAxisTitle("latency (ms)")
                        .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(10);
        for (BenchRow r : report.rows()) {
            if (r.batch() == 1) {
                chart.addSeries(
                        label(r), new double[] {r.flops() / 1e9}, new double[] {r.latencyMs()});
            }
        }
        savePng(chart, file);
        return file;
    }
}
