package io.github.fastvision.core.pconv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.fastvision.core.Fixtures;
import io.github.fastvision.core.fasternet.FasterNetBlock;
import io.github.fastvision.core.layers.Autograd;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PartialConv2dTest {

    @BeforeEach
    void inferenceThread() {
        Autograd.disable();
    }

    @Test
    void slicingAndSplitCatGiveIdenticalOutputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (double ratio : new double[] {0.25, 0.5, 0.125, 1.0}) {
                Shape in = new Shape(3, 64, 14, 14);
                PartialConv2d pconv =
                        Fixtures.init(
                                PartialConv2d.builder().setChannels(64).optRatio(ratio).build(),
                                m,
                                in);
                NDArray x = m.randomNormal(in);
                NDArray before = x.duplicate();
                NDArray split = Fixtures.forward(pconv, x, false);
                pconv.setMode(PartialConv2d.Mode.SLICING);
                NDArray sliced = Fixtures.forward(pconv, x, false);
                assertEquals(0.0, Fixtures.maxAbs(split.sub(sliced)), "ratio " + ratio);
                assertEquals(
                        0.0, Fixtures.maxAbs(x.sub(before)), "SLICING must not touch its input");
            }
        }
    }

    @Test
    void untouchedChannelsPassThroughAndConvolvedOnesChange() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(2, 32, 8, 8);
            PartialConv2d pconv =
                    Fixtures.init(PartialConv2d.builder().setChannels(32).build(), m, in);
            assertEquals(8, pconv.getPartialChannels());
            NDArray x = m.randomNormal(in);
            NDArray y = Fixtures.forward(pconv, x, false);
            NDIndex tail = new NDIndex(":, 8:");
            assertEquals(0.0, Fixtures.maxAbs(y.get(tail).sub(x.get(tail))));
            NDIndex head = new NDIndex(":, :8");
            assertTrue(Fixtures.maxAbs(y.get(head).sub(x.get(head))) > 1e-3);
        }
    }

    @Test
    void fasterNetBlockModesAgree() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(2, 40, 16, 16);
            FasterNetBlock block =
                    Fixtures.init(FasterNetBlock.builder().setChannels(40).build(), m, in);
            NDArray x = m.randomNormal(in);
            NDArray split = Fixtures.forward(block, x, false);
            block.getPartialConv().setMode(PartialConv2d.Mode.SLICING);
            NDArray sliced = Fixtures.forward(block, x, false);
            assertEquals(0.0, Fixtures.maxAbs(split.sub(sliced)));
        }
    }

    @Test
    void slicingRefusesWhileGradientsAreRecorded() {
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(1, 16, 6, 6);
            PartialConv2d pconv =
                    Fixtures.init(
                            PartialConv2d.builder()
                                    .setChannels(16)
                                    .optMode(PartialConv2d.Mode.SLICING)
                                    .build(),
                            m,
                            in);
            NDArray x = m.randomNormal(in);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                IllegalStateException e =
                        assertThrows(
                                IllegalStateException.class,
                                () -> Fixtures.forward(pconv, x, false));
                assertTrue(e.getMessage().contains("SPLIT_CAT"), e.getMessage());
            }
            IllegalStateException training =
                    assertThrows(
                            IllegalStateException.class, () -> Fixtures.forward(pconv, x, true));
            assertTrue(training.getMessage().contains("training=true"), training.getMessage());
        }
    }

    @Test
    void builderRejectsImpossibleSettings() {
        IllegalArgumentException ratio =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> PartialConv2d.builder().setChannels(64).optRatio(1.5).build());
        assertTrue(ratio.getMessage().contains("(0.0, 1.0]"), ratio.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> PartialConv2d.builder().setChannels(64).optRatio(0).build());
        IllegalArgumentException divisible =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> PartialConv2d.builder().setChannels(30).build());
        assertTrue(divisible.getMessage().contains("whole number"), divisible.getMessage());
        IllegalArgumentException stride =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> PartialConv2d.builder().setChannels(64).optStride(2).build());
        assertTrue(stride.getMessage().contains("stride must be 1"), stride.getMessage());
        IllegalArgumentException kernel =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> PartialConv2d.builder().setChannels(64).optKernel(4).build());
        assertTrue(kernel.getMessage().contains("odd"), kernel.getMessage());
    }

    @Test
    void wrongInputIsAClearError() {
        try (NDManager m = NDManager.newBaseManager()) {
            PartialConv2d pconv =
                    Fixtures.init(
                            PartialConv2d.builder().setChannels(64).build(),
                            m,
                            new Shape(1, 64, 8, 8));
            IllegalArgumentException channels =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    Fixtures.forward(
                                            pconv, m.randomNormal(new Shape(1, 32, 8, 8)), false));
            assertEquals(
                    "PartialConv2d expects input of shape (N, 64, H, W) but got (1, 32, 8, 8)",
                    channels.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Fixtures.forward(pconv, m.randomNormal(new Shape(64, 8, 8)), false));
        }
    }
}
