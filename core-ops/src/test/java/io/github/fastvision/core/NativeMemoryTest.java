package io.github.fastvision.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.anytime.MaskedConv2d;
import io.github.fastvision.core.anytime.SpatialMask;
import io.github.fastvision.core.fasternet.FasterNetBlock;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.core.runtime.ProcessMemory;
import org.junit.jupiter.api.Test;

/**
 * A long single-thread inference loop with per-batch sub-managers must not grow the process's
 * resident memory: every intermediate array is freed when its sub-manager closes.
 *
 * <p>Surefire runs with a fixed, pre-touched Java heap (-Xms = -Xmx, -XX:+AlwaysPreTouch in the
 * parent pom); otherwise RSS grows by a few hundred MiB while G1 touches fresh eden regions for the
 * DJL wrapper objects, which hides or fakes a native leak. The baseline is taken after a short
 * warm-up that lets libtorch's thread pools and malloc arenas settle.
 */
class NativeMemoryTest {

    private static final long LIMIT_BYTES = 64L << 20;

    private static final int WARM_UP = 300;

    private static long growthOverLoop(Block block, Shape in, int iterations) {
        Autograd.disable();
        try (NDManager model = NDManager.newBaseManager()) {
            block.initialize(model, ai.djl.ndarray.types.DataType.FLOAT32, in);
            ParameterStore ps = new ParameterStore(model, false);
            long baseline = 0;
            for (int i = 0; i < WARM_UP + iterations; i++) {
                if (i == WARM_UP) {
                    System.gc();
                    baseline = ProcessMemory.requireResidentBytes();
                }
                try (NDManager batch = model.newSubManager()) {
                    NDArray x = batch.randomNormal(in);
                    NDArray y = block.forward(ps, new NDList(x), false).singletonOrThrow();
                    y.sum().getFloat();
                }
            }
            System.gc();
            return ProcessMemory.requireResidentBytes() - baseline;
        }
    }

    @Test
    void fasterNetBlockLoopDoesNotGrowMemory() {
        long growth =
                growthOverLoop(
                        FasterNetBlock.builder().setChannels(64).optAct(Act.GELU).build(),
                        // 98 KiB per output: 196 MiB over the loop if each pass leaked one.
                        new Shape(2, 64, 14, 14),
                        2000);
        assertTrue(
                growth < LIMIT_BYTES, "RSS grew by " + (growth >> 20) + " MiB over 2,000 passes");
    }

    /** Inference with autograd off: the block pools with the Java kernel (DeformablePoolKernel). */
    @Test
    void deformablePoolLoopDoesNotGrowMemory() {
        long growth =
                growthOverLoop(
                        DeformablePool2d.builder().setChannels(32).build(),
                        new Shape(2, 32, 14, 14),
                        2000);
        assertTrue(
                growth < LIMIT_BYTES, "RSS grew by " + (growth >> 20) + " MiB over 2,000 passes");
    }

    /**
     * ADP-C's sparse masked convolution (Java gather and scatter around libtorch's matrix product,
     * then the RBF fill), with a new mask per pass as in an anytime pass.
     */
    @Test
    void sparseMaskedConvLoopDoesNotGrowMemory() {
        Autograd.disable();
        Shape in = new Shape(2, 16, 12, 12);
        MaskedConv2d conv =
                MaskedConv2d.builder().setInChannels(16).setOutChannels(16).setKernel(3).build();
        try (NDManager model = NDManager.newBaseManager()) {
            conv.initialize(model, ai.djl.ndarray.types.DataType.FLOAT32, in);
            ParameterStore ps = new ParameterStore(model, false);
            long baseline = 0;
            for (int i = 0; i < WARM_UP + 2000; i++) {
                if (i == WARM_UP) {
                    System.gc();
                    baseline = ProcessMemory.requireResidentBytes();
                }
                try (NDManager batch = model.newSubManager()) {
                    NDArray x = batch.randomNormal(in);
                    NDArray conf = batch.randomUniform(0f, 1f, new Shape(2, 12, 12));
                    AnytimeContext ctx =
                            AnytimeContext.builder()
                                    .optSparse(true)
                                    .optMaxSparseDensity(1.0)
                                    .build();
                    try (SpatialMask mask = SpatialMask.fromConfidence(conf, 0.4f)) {
                        ctx.setMask(mask);
                        conv.forward(ps, x, false, ctx).sum().getFloat();
                    }
                }
            }
            System.gc();
            long growth = ProcessMemory.requireResidentBytes() - baseline;
            assertTrue(
                    growth < LIMIT_BYTES,
                    "RSS grew by " + (growth >> 20) + " MiB over 2,000 passes");
        }
    }
}
