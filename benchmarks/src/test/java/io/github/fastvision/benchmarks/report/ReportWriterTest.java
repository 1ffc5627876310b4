package io.github.fastvision.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    private static BenchReport report() {
        return new BenchReport(
                "ops",
                5e10,
                1,
                List.of(
                        BenchRow.of(
                                "conv3x3", null, new long[] {96, 56, 56}, 1, 20.0, 2_601_000_000L),
                        BenchRow.of(
                                "dwconv3x3", null, new long[] {96, 56, 56}, 1, 5.0, 27_000_000L),
                        BenchRow.of(
                                "conv3x3",
                                null,
                                new long[] {96, 56, 56},
                                32,
                                600.0,
                                2_601_000_000L),
                        BenchRow.of(
                                "dwconv3x3",
                                null,
                                new long[] {96, 56, 56},
                                32,
                                150.0,
                                27_000_000L)),
                List.of(new BenchReport.Finding("ratio", 2.5, ">= 6", false)));
    }

    @Test
    void rowsDeriveThroughputAndFlops() {
        BenchRow r =
                BenchRow.of("conv3x3", null, new long[] {96, 56, 56}, 32, 600.0, 2_601_000_000L);
        assertEquals(32 / 0.6, r.throughput(), 1e-9);
        assertEquals(2_601_000_000.0 * 32 / 0.6, r.flopsPerS(), 1);
    }

    @Test
    void writesTheSpecifiedJsonMarkdownAndCharts(@TempDir Path dir) throws Exception {
        List<Path> files = ReportWriter.write(report(), dir);
        assertEquals(4, files.size());
        JsonObject doc =
                JsonParser.parseString(Files.readString(dir.resolve("ops.json"))).getAsJsonObject();
        assertEquals(5e10, doc.get("peak_flops_per_s").getAsDouble());
        assertEquals(1, doc.get("threads").getAsInt());
        JsonObject row = doc.getAsJsonArray("rows").get(0).getAsJsonObject();
        for (String key :
                new String[] {
                    "name", "input", "batch", "latency_ms", "throughput", "flops", "flops_per_s"
                }) {
            assertTrue(row.has(key), "row lacks " + key);
        }
        assertEquals("conv3x3", row.get("name").getAsString());
        assertEquals(56, row.getAsJsonArray("input").get(2).getAsInt());
        String md = Files.readString(dir.resolve("ops.md"));
        assertTrue(md.contains("| conv3x3 |  | 96x56x56 | 1 | 20.000 |"), md);
        assertTrue(md.contains("| ratio | 2.500 | >= 6 | no |"), md);
        assertTrue(md.contains(BenchReport.Finding.MISSED_NOTE), md);
        assertTrue(!md.contains(">peak?") && md.contains("% peak is left empty for 2 rows"), md);
        for (String png : new String[] {"ops_flops.png", "ops_latency_vs_flops.png"}) {
            assertTrue(ImageIO.read(dir.resolve(png).toFile()).getWidth() >= 900, png);
        }
    }
}
