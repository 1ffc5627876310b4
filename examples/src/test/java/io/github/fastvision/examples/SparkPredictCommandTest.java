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
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark-predict} end to end in {@code local[1]}: the JSON keys are an interface, a corrupt
 * file is an error row, the Parquet directory exists afterwards, and a bad argument exits 2 before
 * Spark starts. Equality with {@code predict} is tested in the {@code spark} module.
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
