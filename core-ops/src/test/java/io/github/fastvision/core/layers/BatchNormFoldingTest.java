package io.github.fastvision.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.fastvision.core.Fixtures;
import io.github.fastvision.core.fasternet.FasterNetBlock;
import io.github.fastvision.core.resnet.Bottleneck;
import io.github.fastvision.core.rexnet.ReXNetBlock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchNormFoldingTest {

    @BeforeEach
    void inferenceThread() {
        Autograd.disable();
    }

    /** Gives every BN non-trivial statistics and affine parameters, as after training. */
    private static void randomizeBatchNorms(Block root, NDManager m) {
        for (Pair<String, Parameter> p : root.getParameters()) {
            String name = p.getKey();
            NDArray a = p.getValue().getArray();
            if (name.endsWith("runningMean") || name.endsWith("beta")) {
                a.set(m.randomNormal(0f, 0.5f, a.getShape(), a.getDataType()).toFloatArray());
            } else if (name.endsWith("runningVar") || name.endsWith("gamma")) {
                a.set(m.randomUniform(0.5f, 2f, a.getShape(), a.getDataType()).toFloatArray());
            }
        }
    }

    private static void assertFoldingPreservesOutputs(Block block, Shape in, int expectedPairs) {
        try (NDManager m = NDManager.newBaseManager()) {
            Fixtures.init(block, m, in);
            randomizeBatchNorms(block, m);
            NDArray x = m.randomNormal(in);
            NDArray reference = Fixtures.forward(block, x, false);
            assertEquals(expectedPairs, BatchNormFolding.fold(block));
            NDArray folded = Fixtures.forward(block, x, false);
            double err = Fixtures.relErr(folded, reference);
            assertTrue(err <= 1e-4, "folded output differs by " + err + " (relative)");
            assertEquals(expectedPairs, BatchNormFolding.unfold(block));
            assertEquals(0.0, Fixtures.maxAbs(Fixtures.forward(block, x, false).sub(reference)));
        }
    }

    @Test
    void convBnFoldsWithinTolerance() {
        assertFoldingPreservesOutputs(
                ConvBn.builder()
                        .setInChannels(8)
                        .setOutChannels(16)
                        .optKernel(3)
                        .optStride(2)
                        .build(),
                new Shape(2, 8, 9, 9),
                1);
    }

    @Test
    void depthwiseConvBnFoldsWithinTolerance() {
        assertFoldingPreservesOutputs(
                ConvBn.builder()
                        .setInChannels(24)
                        .setOutChannels(24)
                        .optKernel(3)
                        .optGroups(24)
                        .build(),
                new Shape(2, 24, 7, 7),
                1);
    }

    @Test
    void wholeBlocksFoldWithinTolerance() {
        assertFoldingPreservesOutputs(
                FasterNetBlock.builder().setChannels(32).optAct(Act.GELU).build(),
                new Shape(2, 32, 8, 8),
                1);
        assertFoldingPreservesOutputs(
                Bottleneck.builder().setInChannels(64).setPlanes(32).optStride(2).build(),
                new Shape(2, 64, 8, 8),
                4);
        assertFoldingPreservesOutputs(
                ReXNetBlock.builder().setInChannels(16).setOutChannels(24).build(),
                new Shape(2, 16, 8, 8),
                3);
    }

    @Test
    void foldedBlockRefusesTrainingAndKeepsParameters() {
        try (NDManager m = NDManager.newBaseManager()) {
            ConvBn cb = ConvBn.builder().setInChannels(4).setOutChannels(4).optKernel(3).build();
            Fixtures.init(cb, m, new Shape(1, 4, 5, 5));
            NDArray w = cb.getParameters().get("01conv_weight").getArray().duplicate();
            cb.fold();
            assertTrue(cb.isFolded());
            assertEquals(
                    0.0,
                    Fixtures.maxAbs(cb.getParameters().get("01conv_weight").getArray().sub(w)));
            assertThrows(
                    IllegalStateException.class,
                    () -> Fixtures.forward(cb, m.randomNormal(new Shape(1, 4, 5, 5)), true));
            cb.unfold();
            assertFalse(cb.isFolded());
        }
    }
}
