package io.github.fastvision.benchmarks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.report.ReportWriter;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models suite's int8 rows: a tiny zoo model quantized on the fly and measured on ONNX Runtime
 * beside its fp32 export, in quick mode, and the findings derived from them (the peaks themselves
 * are measured by the full suite run; {@code Int8PeakBenchmarkTest} checks the int8 peak's graph).
 */
class Int8RowsTest {

    @Test
    void int8RowsAndTheirSpeedUpAppearBesideTheFp32Export(@TempDir Path dir) {
        BenchSettings s =
                BenchSettings.builder()
                        .optModels(List.of("test_fasternet", "djl_mobilenetv2"))
                        .optBatches(List.of(1))
                        .optQuick(true)
                        .optQuickIterationMs(100)
                        .optEngines(List.of(InferenceEngine.ONNX_RUNTIME))
                        .optPrecisions(List.of(Precision.FP32, Precision.INT8))
                        .setLog(dir.resolve("jmh.log"))
                        .build();
        assertTrue(Suites.MODELS.measuresInt8(s));
        List<BenchReport.Finding> refused = new ArrayList<>();
        List<BenchRow> rows = Suites.MODELS.rows(s, refused);
        assertEquals(List.of(), refused);
        assertEquals(
                List.of("test_fasternet/onnxruntime", "test_fasternet/onnxruntime int8"),
                rows.stream().map(r -> r.name() + "/" + r.variant()).toList(),
                "DJL's baselines have no export to quantize");
        BenchRow int8 = rows.get(1);
        assertEquals("int8", int8.precision());
        assertEquals("OnnxRuntime", int8.engine());
        assertTrue(int8.latencyMs() > 0 && Double.isFinite(int8.latencyMs()), int8.toString());
        assertTrue(int8.flops() > 0 && int8.flops() == rows.get(0).flops(), int8.toString());

        double int8Peak = int8.flopsPerS() * 2;
        List<BenchReport.Finding> f = Suites.MODELS.findings(rows, 1e12, int8Peak);
        BenchReport.Finding speedUp =
                find(f, "int8 speed-up test_fasternet over OnnxRuntime fp32 (batch 1)");
        assertTrue(speedUp.value() > 0 && Double.isFinite(speedUp.value()), speedUp.toString());
        assertEquals(">= 1.7 (int8 goal at batch 1)", speedUp.target());
        assertNotNull(speedUp.met());
        BenchReport.Finding mean =
                find(
                        f,
                        "int8 speed-up over OnnxRuntime fp32, geometric mean of 1 model(s) (batch"
                                + " 1)");
        assertEquals(speedUp.value(), mean.value(), 1e-12);

        BenchReport report = new BenchReport("models", 1e12, 1, rows, f, int8Peak);
        assertEquals(int8Peak, report.peakFor(int8));
        assertEquals(1e12, report.peakFor(rows.get(0)));
        String md = ReportWriter.markdown(report);
        assertTrue(
                md.contains("| test_fasternet | onnxruntime int8 |") && md.contains("| 50.0 |"),
                md);
    }

    @Test
    void theInt8PeakShareAndTheGeometricMeanFollowTheTargets() {
        long[] chw = {3, 224, 224};
        long macs = 4_100_000_000L;
        List<BenchRow> rows =
                List.of(
                        BenchRow.of("resnet50", "onnxruntime", chw, 32, 3200, macs),
                        BenchRow.of("resnet50", "onnxruntime int8", chw, 32, 1600, macs),
                        BenchRow.of("fasternet_t0", "onnxruntime", chw, 32, 400, macs / 12),
                        BenchRow.of("fasternet_t0", "onnxruntime int8", chw, 32, 50, macs / 12));
        // resnet50 int8 at batch 32: 32 * 4.1e9 / 1.6 s = 82 G multiply-adds/s.
        List<BenchReport.Finding> f = Suites.MODELS.findings(rows, 1e11, 1e11);
        BenchReport.Finding resnet =
                find(f, "int8 speed-up resnet50 over OnnxRuntime fp32 (batch 32)");
        assertEquals(2.0, resnet.value(), 1e-12);
        assertEquals(true, resnet.met());
        BenchReport.Finding mean =
                find(
                        f,
                        "int8 speed-up over OnnxRuntime fp32, geometric mean of 2 model(s) (batch"
                                + " 32)");
        assertEquals(4.0, mean.value(), 1e-9, "sqrt(2 * 8)");
        assertEquals(">= 2.5 (int8 goal, geometric mean)", mean.target());
        BenchReport.Finding share = find(f, "resnet50 int8 batch 32 share of int8 peak");
        assertEquals(0.82, share.value(), 1e-9);
        assertEquals(true, share.met());
        // Without an int8 peak there is no share, and other batches have no speed-up target.
        assertTrue(
                Suites.MODELS.findings(rows, 1e11, 0).stream()
                        .noneMatch(x -> x.name().contains("share of int8 peak")));
        assertNull(PaperTargets.int8SpeedUp(8));
    }

    @Test
    void precisionsAreFp32Int8OrBoth(@TempDir Path dir) {
        BenchSettings.Builder b = BenchSettings.builder().setLog(dir.resolve("log"));
        assertTrue(b.build().fp32() && !b.build().int8(), "fp32 by default");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> b.optPrecisions(List.of(Precision.AUTO)).build());
        assertTrue(e.getMessage().contains("fp32, int8 or both"), e.getMessage());
    }

    private static BenchReport.Finding find(List<BenchReport.Finding> f, String name) {
        return f.stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + f));
    }
}
