package io.github.fastvision.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.pruning.budget.PruningRecipes;
import io.github.fastvision.pruning.budget.TrainingBudget;
import io.github.fastvision.pruning.methods.MagnitudePruning;
import io.github.fastvision.training.TrainConfig;
import io.github.fastvision.training.data.DatasetSplit;
import io.github.fastvision.training.data.InMemoryDataset;
import io.github.fastvision.training.loop.TrainingLoop;
import io.github.fastvision.training.recipe.ScheduleKind;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Magnitude masks stay fixed while training; the budgets follow §3.4.3. */
class MagnitudeAndBudgetTest {

    private static DatasetSplit tinyData() {
        Random r = new Random(3);
        int n = 24;
        byte[] px = new byte[n * 3 * 16 * 16];
        r.nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        InMemoryDataset d =
                InMemoryDataset.builder()
                        .setPixels(px)
                        .setLabels(labels)
                        .setImageShape(3, 16, 16)
                        .setClasses(List.of("a", "b", "c"))
                        .build();
        return new DatasetSplit(d, d);
    }

    @Test
    void masksStayZeroThroughTrainingSteps() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create("test_vgg_cifar", m, 12);
            MagnitudePruning.Masks masks =
                    MagnitudePruning.masks(model, 0.6, MagnitudePruning.Scope.GLOBAL);
            masks.apply();
            assertEquals(0.4, masks.density(), 0.01);
            TrainConfig config =
                    TrainConfig.builder()
                            .setModel("test_vgg_cifar")
                            .setRecipe(PruningRecipes.cifar(0.1))
                            .setEpochs(1)
                            .setBatch(8)
                            .setImageSize(16)
                            .optMaxSteps(3)
                            .build();
            new TrainingLoop(config, masks.listener()).fit(model, m, tinyData());
            long zeros = 0;
            for (Parameter p : MagnitudePruning.convolutionWeights(model)) {
                for (float v : p.getArray().toFloatArray()) {
                    zeros += v == 0f ? 1 : 0;
                }
            }
            assertEquals(masks.removed(), zeros, "exactly the masked weights are zero");
        }
    }

    @Test
    void perLayerScopeRemovesTheShareInEachConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            VisionModel model = TinyModels.create("test_preresnet_cifar", m, 13);
            MagnitudePruning.Masks masks =
                    MagnitudePruning.masks(model, 0.5, MagnitudePruning.Scope.PER_LAYER);
            for (int i = 0; i < MagnitudePruning.convolutionWeights(model).size(); i++) {
                assertEquals(0.5, masks.density(i), 0.1, "layer " + i);
            }
        }
    }

    @Test
    void budgetsFollowTheLargeRun() {
        TrainConfig large =
                TrainConfig.builder()
                        .setModel("test_vgg_cifar")
                        .setRecipe(PruningRecipes.cifar(0.1))
                        .setEpochs(160)
                        .setBatch(64)
                        .setImageSize(32)
                        .build();
        TrainConfig ft = TrainingBudget.FINE_TUNE.configure(large, 3);
        assertEquals(40, ft.epochs());
        assertEquals(0.001, ft.recipe().lr(), 1e-12);
        assertEquals(ScheduleKind.CONSTANT, ft.recipe().schedule());
        assertEquals(160, TrainingBudget.SCRATCH_E.configure(large, 3).epochs());
        assertEquals(240, TrainingBudget.SCRATCH_B.configure(large, 1.5).epochs());
        assertEquals(320, TrainingBudget.SCRATCH_B.configure(large, 5).epochs());
        assertTrue(
                assertThrowsIae(() -> TrainingBudget.SCRATCH_B.configure(large, 0.5))
                        .contains("flopsRatio must be >= 1"));
    }

    private static String assertThrowsIae(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected an IllegalArgumentException");
    }
}
