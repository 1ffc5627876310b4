package io.github.fastvision.examples.studies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.training.data.ImageDataset;
import io.github.fastvision.training.data.ImageSubset;
import io.github.fastvision.training.data.InMemoryDataset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pruning study's data subset and scale checks (the study itself is a CLI run). */
class PruningStudyTest {

    @Test
    void subsetKeepsTheRequestedCountSpreadOverTheSet() {
        int n = 100;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        ImageDataset d =
                InMemoryDataset.builder()
                        .setPixels(new byte[n * 4])
                        .setLabels(labels)
                        .setImageShape(1, 2, 2)
                        .setClasses(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"))
                        .build();
        ImageDataset s = PruningStudy.subset(d, 30);
        assertEquals(30, s.size());
        // Evenly spread: consecutive kept images are 3 or 4 apart in the source.
        ImageSubset sub = (ImageSubset) s;
        for (int i = 1; i < sub.size(); i++) {
            int gap = sub.sourceIndex(i) - sub.sourceIndex(i - 1);
            assertTrue(gap == 3 || gap == 4, "gap " + gap + " at " + i);
        }
        assertEquals(d, PruningStudy.subset(d, 500));
    }

    @Test
    void scaleRefusesEmptyValues() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> PruningStudy.Scale.QUICK.with(0, 800));
        assertTrue(e.getMessage().contains("must be >= 1"), e.getMessage());
        assertEquals(5, PruningStudy.Scale.FULL.with(5, 100).epochs());
    }
}
