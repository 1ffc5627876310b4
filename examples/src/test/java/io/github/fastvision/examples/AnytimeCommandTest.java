package io.github.fastvision.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnytimeCommandTest {

    @Test
    void printsTheContractJsonAndAFigure(@TempDir Path tmp) {
        Path png = tmp.resolve("exits.png");
        CliRun r =
                CliRun.of(
                        "anytime",
                        "--model",
                        "test_hrnet_seg",
                        "--dataset",
                        "fashion-mnist-subset",
                        "--train-minutes",
                        "0.02",
                        "--item-scale",
                        "1",
                        "--train-canvas",
                        "32",
                        "--test-canvas",
                        "64",
                        "--train-images",
                        "32",
                        "--test-images",
                        "4",
                        "--batch",
                        "8",
                        "--eval-batch",
                        "4",
                        "--threshold",
                        "0.9",
                        "--figure",
                        png.toString(),
                        "--quiet",
                        "--threshold-search",
                        "--threshold-candidates",
                        "0.95,0.9,0.5",
                        "--validation-images",
                        "4",
                        "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject variants =
                JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("variants");
        for (String v : new String[] {"EE", "EE+RH", "ADP-C"}) {
            JsonArray exits = variants.getAsJsonObject(v).getAsJsonArray("exits");
            assertEquals(4, exits.size(), v);
            for (int i = 0; i < 4; i++) {
                JsonObject e = exits.get(i).getAsJsonObject();
                assertTrue(e.get("miou").getAsDouble() >= 0);
                assertTrue(e.get("gflops").getAsDouble() > 0);
                assertTrue(e.get("wall_ms").getAsDouble() > 0);
            }
        }
        assertTrue(Files.exists(png));
        JsonObject setup =
                JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("setup");
        assertEquals(1, setup.get("item_scale").getAsInt());
        // The search tried every candidate on held-out mosaics and kept the cheapest one within
        // 0.5 points of EE+RH's final validation mIoU (or the highest when none was).
        JsonObject search = setup.getAsJsonObject("threshold_search");
        assertTrue(
                search.get("validation").getAsString().startsWith("4 mosaics of 64x64 from "),
                search.toString());
        JsonArray tried = search.getAsJsonArray("candidates");
        assertEquals(3, tried.size());
        float chosen = search.get("chosen").getAsFloat();
        assertEquals(chosen, setup.get("threshold").getAsFloat());
        assertEquals(0.9f, setup.get("train_threshold").getAsFloat());
        double reference = search.get("reference_miou").getAsDouble();
        double best = Double.MAX_VALUE;
        double chosenCost = Double.NaN;
        for (int i = 0; i < tried.size(); i++) {
            JsonObject c = tried.get(i).getAsJsonObject();
            if (c.get("miou").getAsDouble() >= reference - 0.5) {
                best = Math.min(best, c.get("gflops").getAsDouble());
            }
            if (c.get("threshold").getAsFloat() == chosen) {
                chosenCost = c.get("gflops").getAsDouble();
            }
        }
        assertEquals(
                search.get("within_tolerance").getAsBoolean() ? best : chosenCost,
                chosenCost,
                1e-12);
        if (!search.get("within_tolerance").getAsBoolean()) {
            assertEquals(0.95f, chosen);
        }

        // Without canvases the item scale sets them: one 64-pixel cell to train, 2 x 2 cells to
        // test.
        CliRun enlarged =
                CliRun.of(
                        "anytime",
                        "--model",
                        "test_hrnet_seg",
                        "--dataset",
                        "fashion-mnist-subset",
                        "--train-minutes",
                        "0.01",
                        "--item-scale",
                        "2",
                        "--train-images",
                        "8",
                        "--test-images",
                        "2",
                        "--batch",
                        "4",
                        "--eval-batch",
                        "2",
                        "--figure",
                        tmp.resolve("enlarged.png").toString(),
                        "--quiet",
                        "--json");
        assertEquals(0, enlarged.code(), enlarged.err());
        JsonObject s2 =
                JsonParser.parseString(enlarged.out()).getAsJsonObject().getAsJsonObject("setup");
        assertEquals(2, s2.get("item_scale").getAsInt());
        assertTrue(
                s2.get("train").getAsString().contains("of 64x64")
                        && s2.get("train").getAsString().contains("enlarged 2x"),
                s2.toString());
        assertTrue(s2.get("test").getAsString().contains("of 128x128"), s2.toString());

        CliRun bad =
                CliRun.of(
                        "anytime",
                        "--model",
                        "test_hrnet_seg",
                        "--test-images",
                        "5",
                        "--eval-batch",
                        "4");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("multiple of --eval-batch"), bad.err());
    }

    @Test
    void trainStepsFixTheStepsOfEveryVariant(@TempDir Path tmp) {
        CliRun r =
                CliRun.of(
                        "anytime",
                        "--model",
                        "test_hrnet_seg",
                        "--dataset",
                        "fashion-mnist-subset",
                        "--train-steps",
                        "3",
                        "--item-scale",
                        "1",
                        "--train-canvas",
                        "32",
                        "--test-canvas",
                        "32",
                        "--train-images",
                        "8",
                        "--test-images",
                        "2",
                        "--batch",
                        "4",
                        "--eval-batch",
                        "2",
                        "--figure",
                        tmp.resolve("exits.png").toString(),
                        "--quiet",
                        "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject variants =
                JsonParser.parseString(r.out()).getAsJsonObject().getAsJsonObject("variants");
        for (String v : new String[] {"EE", "EE+RH", "ADP-C"}) {
            assertEquals(3, variants.getAsJsonObject(v).get("train_steps").getAsLong(), v);
        }

        CliRun negative = CliRun.of("anytime", "--model", "test_hrnet_seg", "--train-steps", "-1");
        assertNotEquals(0, negative.code());
        assertTrue(negative.err().contains("--train-steps must be >= 0"), negative.err());
    }
}
