package io.github.fastvision.training.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.training.EpochMetrics;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.recipe.Recipes;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TrainingProgressBarTest {

    private static final int BATCHES = 468;

    private static TrainConfig config() {
        return TrainConfig.builder()
                .setModel("tiny")
                .setRecipe(Recipes.get(Recipes.SMALL))
                .setEpochs(2)
                .setBatch(128)
                .setImageSize(32)
                .optDataset("fashion-mnist")
                .build();
    }

    /** Runs one epoch of 468 batches of 50 ms each (23.4 s) on a fake clock. */
    private static String epoch(boolean terminal) {
        StringWriter text = new StringWriter();
        long[] now = {1_000_000_000L};
        TrainingProgressBar bar =
                new TrainingProgressBar(new PrintWriter(text), terminal, () -> now[0]);
        bar.onStart(config(), 0, BATCHES);
        for (int b = 1; b <= BATCHES; b++) {
            now[0] += 50_000_000L;
            bar.onBatch(0, b, BATCHES, 0.5, 0.8, 2560);
        }
        bar.onEpoch(new EpochMetrics(1, 0.5, 0.8, 0.6, 0.75, 1e-3, 23.4, 2560, 300));
        return text.toString();
    }

    @Test
    void aLogGetsAFewPlainLinesPerEpoch() {
        String log = epoch(false);
        assertFalse(log.contains("\r"), "no carriage returns in a log");
        String[] lines = log.split("\n");
        // the start line, a progress line after 10 s and 20 s and at the last batch, and the
        // summary
        assertEquals(5, lines.length, log);
        assertTrue(lines[1].startsWith("epoch 1/2 [") && lines[1].contains(" 200/468 "), lines[1]);
        assertTrue(lines[2].contains(" 400/468 "), lines[2]);
        assertTrue(lines[3].contains(" 468/468 "), lines[3]);
        assertTrue(lines[4].startsWith("epoch 1: train loss 0.5000"), lines[4]);
    }

    @Test
    void aTerminalRedrawsInPlaceAtMostFiveTimesASecond() {
        String tty = epoch(true);
        long redraws = tty.chars().filter(c -> c == '\r').count();
        // 23.4 s at one redraw per 200 ms, plus the last batch
        assertTrue(redraws >= 100 && redraws <= 120, redraws + " redraws");
        assertEquals(
                3, tty.split("\n").length, "start line, bar line ended by the summary, summary");
    }
}
