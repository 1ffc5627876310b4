package io.github.fastvision.benchmarks.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuitesTest {

    @Test
    void suitesAreFoundByNameAndAnUnknownNameIsAClearError() {
        assertEquals(
                List.of("ops", "pconv", "models", "pflayer"),
                Suites.all().stream().map(BenchSuite::name).toList());
        assertSame(Suites.MODELS, Suites.parse("MODELS"));
        assertEquals(List.of(1), Suites.PCONV.defaultBatches());
        IllegalArgumentException suite =
                assertThrows(IllegalArgumentException.class, () -> Suites.parse("gpu"));
        assertTrue(
                suite.getMessage().contains("expected ops, pconv, models or pflayer"),
                suite.getMessage());
    }

    @Test
    void targetsSayTheirBoundAndSource() {
        Target t = PaperTargets.PCONV_OVER_DWCONV_FLOPS;
        assertEquals(">= 6 (paper 7.5 on CPU)", t.describe());
        assertTrue(t.met(6) && !t.met(5.99));
        Target m = Target.atMost(0.65, null);
        assertEquals("<= 0.65", m.describe());
        assertTrue(m.met(0.65) && !m.met(0.66));
    }

    @Test
    void modelFindingsComeFromTheTargetTable() {
        List<BenchRow> rows =
                List.of(
                        BenchRow.of("fasternet_t0", null, new long[] {3, 224, 224}, 1, 2.0, 1),
                        BenchRow.of("djl_mobilenetv2", null, new long[] {3, 224, 224}, 1, 4.0, 1),
                        BenchRow.of("resnet50_max", null, new long[] {3, 224, 224}, 1, 3.0, 1),
                        BenchRow.of("resnet50", null, new long[] {3, 224, 224}, 1, 6.0, 1));
        List<BenchReport.Finding> f = Suites.MODELS.findings(rows, 1e12);
        assertEquals(
                List.of(
                        "latency fasternet_t0 / djl_mobilenetv2 (batch 1)",
                        "latency resnet50 / fasternet_t0 (batch 1)",
                        "latency resnet50_max / resnet50 (batch 1)"),
                f.stream().map(BenchReport.Finding::name).toList());
        assertEquals(0.5, f.get(0).value());
        assertEquals("<= 0.65 (paper 1/1.6)", f.get(0).target());
        assertTrue(f.get(0).met());
        assertEquals(3.0, f.get(1).value());
        assertFalse(f.get(1).met(), "3 is below the paper's >= 7");
        assertNull(f.get(2).target());
        assertNull(f.get(2).met());
    }

    @Test
    void quickIterationsDefaultToHalfASecondAndRefuseBelowTenMs() {
        BenchSettings.Builder b = BenchSettings.builder().setLog(java.nio.file.Path.of("jmh.log"));
        assertEquals(500, b.build().quickIterationMs());
        assertEquals(100, b.optQuickIterationMs(100).build().quickIterationMs());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> b.optQuickIterationMs(9).build());
        assertTrue(
                e.getMessage().contains("quickIterationMs must be >= 10 but was 9"),
                e.getMessage());
    }
}
