package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark-predict} end to end in {@code local[1]}: the JSON keys are an interface, a corrupt
 * or empty file is an error row, a link loop lists each file once, a killed job's temporary is
 * removed, the Parquet directory exists afterwards, and a bad argument exits 2 before Spark starts.
 * Equality with {@code predict} is tested in the {@code spark} module.
 */
class SparkPredictCommandTest {

    @TempDir Path tmp;

    @Test
    void classifiesADirectoryIntoParquetAndReportsJson() throws IOException {
        Path dir = tmp.resolve("images");
        Files.createDirectories(dir);
        Random r = new Random(3);
        for (int i = 0; i < 6; i++) {
            BufferedImage png = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
            for (int p = 0; p < 400; p++) {
                png.setRGB(p % 20, p / 20, r.nextInt());
            }
            ImageIO.write(png, "png", dir.resolve("img_" + i + ".png").toFile());
        }
        Files.write(dir.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2});
        Path out = tmp.resolve("out.parquet");
        CliRun run =
                CliRun.of(
                        "spark-predict",
                        "--master",
                        "local[1]",
                        "--input",
                        dir.toString(),
                        "--output",
                        out.toString(),
                        "--model",
                        "test_fasternet",
                        "--image-size",
                        "32",
                        "--batch",
                        "4",
                        "--json");
        assertEquals(0, run.code(), run.err());
        JsonObject doc = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(7, doc.get("rows").getAsLong());
        assertEquals(1, doc.get("errors").getAsLong());
        assertTrue(doc.get("seconds").getAsDouble() > 0);
        assertTrue(doc.get("output").getAsString().endsWith("out.parquet"));
        assertEquals(1, doc.getAsJsonArray("model_loads").size());
        assertTrue(doc.has("rss_first_mib") && doc.has("rss_last_mib") && doc.has("partitions"));
        assertTrue(Files.isDirectory(out));
    }

    @Test
    void aLinkLoopListsEachFileOnceAndAStaleTemporaryIsRemoved() throws IOException {
        Path dir = tmp.resolve("images");
        Files.createDirectories(dir.resolve("sub"));
        for (Path file : List.of(dir.resolve("a.png"), dir.resolve("sub").resolve("b.png"))) {
            ImageIO.write(
                    new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB), "png", file.toFile());
        }
        Files.createFile(dir.resolve("empty.jpg"));
        Files.createSymbolicLink(dir.resolve("self"), Path.of("."));
        Files.createSymbolicLink(dir.resolve("sub").resolve("again"), dir);
        // What a job killed with SIGKILL leaves beside its output.
        Path stale =
                Files.createDirectories(
                        tmp.resolve(".out.parquet.tmp-" + UUID.randomUUID()).resolve("_temporary"));
        Files.setLastModifiedTime(stale.getParent(), FileTime.fromMillis(0));
        Path out = tmp.resolve("out.parquet");
        CliRun run =
                CliRun.of(
                        "spark-predict",
                        "--master",
                        "local[1]",
                        "--input",
                        dir.toString(),
                        "--output",
                        out.toString(),
                        "--model",
                        "test_fasternet",
                        "--image-size",
                        "32",
                        "--json");
        assertEquals(0, run.code(), run.err());
        JsonObject doc = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(3, doc.get("rows").getAsLong(), run.out());
        assertEquals(1, doc.get("errors").getAsLong(), run.out());
        assertFalse(Files.exists(stale.getParent()), "the stale temporary is removed");
        try (Stream<Path> siblings = Files.list(tmp)) {
            assertEquals(
                    List.of(out),
                    siblings.filter(p -> p.getFileName().toString().contains("out.parquet"))
                            .collect(Collectors.toList()));
        }
    }

    @Test
    void aMaxFileSizeBelowOneMibExitsTwo() {
        CliRun run =
                CliRun.of(
                        "spark-predict",
                        "--input",
                        tmp.toString(),
                        "--output",
                        tmp.resolve("x.parquet").toString(),
                        "--model",
                        "test_fasternet",
                        "--max-file-mb",
                        "0");
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("--max-file-mb"), run.err());
        assertFalse(Files.exists(tmp.resolve("x.parquet")));
    }

    @Test
    void withoutAModelOrAWeightsFileExitsTwo() {
        CliRun run =
                CliRun.of(
                        "spark-predict",
                        "--input",
                        tmp.toString(),
                        "--output",
                        tmp.resolve("x.parquet").toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("--model"), run.err());
        assertFalse(Files.exists(tmp.resolve("x.parquet")));
    }
}
