package io.github.fastvision.examples.anytime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import io.github.fastvision.models.anytime.AnytimeVariant;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.FashionMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnytimeExperimentTest {

    /** The tiny run of these tests: 64 training and 8 test mosaics, 0.03 minutes of EE training. */
    private static AnytimeConfig config(int trainCanvas, int testCanvas, int itemScale, Path tmp) {
        return AnytimeConfig.builder()
                .setModel("test_hrnet_seg")
                .optCanvases(trainCanvas, testCanvas)
                .optImages(64, 8)
                .optBatches(8, 4)
                .optTrainMinutes(0.03)
                .optThreshold(0.9f)
                .optCaWarmupFraction(0.5)
                .optLearningRate(3e-3)
                .optSeed(1)
                .optCheckpointDir(tmp.resolve("ckpt"))
                .optFigure(tmp.resolve("fig.png"))
                .optMaxSparseDensity(0.5)
                .optItemScale(itemScale)
                .build();
    }

    @Test
    void runsTrainsAllThreeVariantsEquallyAndReloadsThem(@TempDir Path tmp) throws IOException {
        DatasetSplit data = FashionMnist.loadBundledSubset();
        AnytimeConfig config = config(32, 64, 1, tmp);
        AnytimeResult r = AnytimeExperiment.run(data, config, null);
        assertEquals(List.of("EE", "EE+RH", "ADP-C"), List.copyOf(r.variants().keySet()));
        long steps = r.variants().get("EE").trainSteps();
        assertTrue(steps > 0);
        for (String v : r.variants().keySet()) {
            VariantResult row = r.variants().get(v);
            assertEquals(steps, row.trainSteps(), v + " trains as many steps as EE");
            assertEquals(4, row.exits().size());
            double previous = 0;
            for (ExitResult e : row.exits()) {
                assertTrue(e.miou() >= 0 && e.miou() <= 100, v + " mIoU " + e.miou());
                assertTrue(e.gflops() >= previous, v + " cost is cumulative");
                assertTrue(e.wallMs() > 0);
                previous = e.gflops();
            }
        }
        List<ExitResult> rh = r.variants().get("EE+RH").exits();
        List<ExitResult> ca = r.variants().get("ADP-C").exits();
        assertEquals(rh.get(0).gflops(), ca.get(0).gflops(), 1e-12, "exit 1 runs before any mask");
        for (int i = 1; i < 4; i++) {
            assertTrue(ca.get(i).gflops() <= rh.get(i).gflops() + 1e-12, "masks only remove work");
        }
        assertTrue(Files.size(tmp.resolve("fig.png")) > 1000);
        for (String f : new String[] {"ee", "ee_rh", "adp_c"}) {
            assertTrue(Files.exists(tmp.resolve("ckpt/anytime_test_hrnet_seg_" + f + ".fvc")), f);
        }

        AnytimeResult again = AnytimeExperiment.run(data, config, null);
        for (String v : r.variants().keySet()) {
            VariantResult a = r.variants().get(v);
            VariantResult b = again.variants().get(v);
            assertEquals(
                    a.trainSteps(), b.trainSteps(), "steps come from the checkpoint's description");
            assertNotNull(b.loadedFrom());
            for (int i = 0; i < 4; i++) {
                assertEquals(
                        a.exits().get(i).miou(),
                        b.exits().get(i).miou(),
                        1e-9,
                        v + " exit " + (i + 1));
                assertEquals(a.exits().get(i).gflops(), b.exits().get(i).gflops(), 1e-12);
            }
        }

        AnytimeConfig enlarged = config(64, 128, 2, tmp);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> AnytimeExperiment.run(data, enlarged, null));
        assertTrue(
                e.getMessage().contains("enlarged 1x, not 2x")
                        && e.getMessage().contains("--item-scale 1"),
                e.getMessage());
    }

    @Test
    void aCorruptCheckpointFailsBeforeAnyWeightChanges(@TempDir Path tmp) throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            AnytimeSegmenter model =
                    AnytimeSegmenter.builder()
                            .setBase("test_hrnet_seg")
                            .setOptions(
                                    ModelOptions.builder()
                                            .setNumClasses(11)
                                            .optInputSize(32)
                                            .optInChannels(1)
                                            .optDropPath(0f)
                                            .build())
                            .setVariant(AnytimeVariant.EE_RH)
                            .optThreshold(0.998f)
                            .optRadius(7)
                            .build();
            ChildBlocks.init(model, m, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            Path good = tmp.resolve("good.fvc");
            AnytimeCheckpoint.save(model, good, 10, 1.0, 1);
            float[] before = model.getParameters().get(0).getValue().getArray().toFloatArray();
            byte[] bytes = Files.readAllBytes(good);
            Path bad = tmp.resolve("bad.fvc");
            Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            IOException e =
                    assertThrows(IOException.class, () -> AnytimeCheckpoint.load(model, m, bad, 1));
            assertTrue(e.getMessage().contains("bad.fvc"), e.getMessage());
            assertArrayEquals(
                    before, model.getParameters().get(0).getValue().getArray().toFloatArray());

            AnytimeSegmenter other =
                    AnytimeSegmenter.builder()
                            .setBase("test_hrnet_seg")
                            .setOptions(
                                    ModelOptions.builder()
                                            .setNumClasses(11)
                                            .optInputSize(32)
                                            .optInChannels(1)
                                            .optDropPath(0f)
                                            .build())
                            .setVariant(AnytimeVariant.ADP_C)
                            .optThreshold(0.998f)
                            .optRadius(7)
                            .build();
            ChildBlocks.init(other, m, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            assertThrows(
                    IOException.class,
                    () -> AnytimeCheckpoint.load(other, m, good, 1),
                    "EE+RH weights do not load into ADP-C (which has λ parameters)");
            AnytimeCheckpoint.load(model, m, good, 1);
            assertArrayEquals(
                    before, model.getParameters().get(0).getValue().getArray().toFloatArray());
        }
    }
}
