package io.github.fastvision.examples.anytime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.core.layers.Blocks;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import io.github.fastvision.models.anytime.AnytimeVariant;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.FashionMnist;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnytimeExperimentTest {

    @Test
    void lossSumsEveryExitsCrossEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray labels = m.create(new long[] {0, 1, 2, 1}, new Shape(1, 2, 2));
            NDArray uniform = m.zeros(new Shape(1, 3, 2, 2));
            NDArray sure = labels.oneHot(3).transpose(0, 3, 1, 2).mul(50f);
            NDArray loss = AnytimeExperiment.loss(new NDList(uniform, uniform, sure), labels);
            assertEquals(2 * Math.log(3), loss.getFloat(), 1e-5);
        }
    }

    @Test
    void runsTrainsAllThreeVariantsEquallyAndReloadsThem(@TempDir Path tmp) throws IOException {
        DatasetSplit data = FashionMnist.loadBundledSubset();
        AnytimeExperiment.Config config = new AnytimeExperiment.Config(
                "test_hrnet_seg", 32, 64, 64, 8, 8, 4, 0.03, 0.9f, 0.5, 3e-3, 1, tmp.resolve("ckpt"),
                tmp.resolve("fig.png"), 0.5, 1, null);
        AnytimeExperiment.Result r = AnytimeExperiment.run(data, config, null);
        assertEquals(List.of("EE", "EE+RH", "ADP-C"), List.copyOf(r.variants().keySet()));
        long steps = r.variants().get("EE").trainSteps();
        assertTrue(steps > 0);
        for (String v : r.variants().keySet()) {
            AnytimeExperiment.VariantResult row = r.variants().get(v);
            assertEquals(steps, row.trainSteps(), v + " trains as many steps as EE");
            assertEquals(4, row.exits().size());
            double previous = 0;
            for (AnytimeExperiment.ExitResult e : row.exits()) {
                assertTrue(e.miou() >= 0 && e.miou() <= 100, v + " mIoU " + e.miou());
                assertTrue(e.gflops() >= previous, v + " cost is cumulative");
                assertTrue(e.wallMs() > 0);
                previous = e.gflops();
            }
        }
        List<AnytimeExperiment.ExitResult> rh = r.variants().get("EE+RH").exits();
        List<AnytimeExperiment.ExitResult> ca = r.variants().get("ADP-C").exits();
        assertEquals(rh.get(0).gflops(), ca.get(0).gflops(), 1e-12, "exit 1 runs before any mask");
        for (int i = 1; i < 4; i++) {
            assertTrue(ca.get(i).gflops() <= rh.get(i).gflops() + 1e-12, "masks only remove work");
        }
        assertTrue(Files.size(tmp.resolve("fig.png")) > 1000);
        for (String f : new String[] {"ee", "ee_rh", "adp_c"}) {
            assertTrue(Files.exists(tmp.resolve("ckpt/anytime_test_hrnet_seg_" + f + ".params")), f);
        }

        AnytimeExperiment.Result again = AnytimeExperiment.run(data, config, null);
        for (String v : r.variants().keySet()) {
            AnytimeExperiment.VariantResult a = r.variants().get(v);
            AnytimeExperiment.VariantResult b = again.variants().get(v);
            assertEquals(a.trainSteps(), b.trainSteps(), "steps come from the side file");
            assertNotNull(b.loadedFrom());
            for (int i = 0; i < 4; i++) {
                assertEquals(a.exits().get(i).miou(), b.exits().get(i).miou(), 1e-9, v + " exit " + (i + 1));
                assertEquals(a.exits().get(i).gflops(), b.exits().get(i).gflops(), 1e-12);
            }
        }

        AnytimeExperiment.Config enlarged = new AnytimeExperiment.Config(
                "test_hrnet_seg", 64, 128, 64, 8, 8, 4, 0.03, 0.9f, 0.5, 3e-3, 1, tmp.resolve("ckpt"),
                tmp.resolve("fig.png"), 0.5, 2, null);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> AnytimeExperiment.run(data, enlarged, null));
        assertTrue(e.getMessage().contains("enlarged 1x, not 2x") && e.getMessage().contains("--item-scale 1"),
                e.getMessage());
    }

    @Test
    void aCorruptCheckpointFailsBeforeAnyWeightChanges(@TempDir Path tmp) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            AnytimeSegmenter model = AnytimeSegmenter.create(
                    "test_hrnet_seg", new ModelOptions(11, 32, 1, 0f), AnytimeVariant.EE_RH, 0.998f, 7);
            Blocks.init(model, m, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            Path good = tmp.resolve("good.params");
            AnytimeExperiment.save(model, good);
            float[] before = model.getParameters().get(0).getValue().getArray().toFloatArray();
            byte[] bytes = Files.readAllBytes(good);
            Path bad = tmp.resolve("bad.params");
            Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            IOException e = assertThrows(IOException.class, () -> AnytimeExperiment.load(model, m, bad));
            assertTrue(e.getMessage().contains("bad.params"), e.getMessage());
            assertArrayEquals(before, model.getParameters().get(0).getValue().getArray().toFloatArray());

            AnytimeSegmenter other = AnytimeSegmenter.create(
                    "test_hrnet_seg", new ModelOptions(11, 32, 1, 0f), AnytimeVariant.ADP_C, 0.998f, 7);
            Blocks.init(other, m, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            assertThrows(IOException.class, () -> AnytimeExperiment.load(other, m, good),
                    "EE+RH weights do not load into ADP-C (which has λ parameters)");
            AnytimeExperiment.load(model, m, good);
            assertArrayEquals(before, model.getParameters().get(0).getValue().getArray().toFloatArray());
        }
    }
}
