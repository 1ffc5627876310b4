package io.github.fastvision.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.core.runtime.ProcessMemory;
import java.awt.image.BufferedImage;
import java.util.Random;

/**
 * The memory tests' loop: resident memory stays within 64 MiB over 2,000 passes after a warm-up
 * (the bound of the PyTorch engine's {@code InferenceMemoryTest}); RSS is read without a GC.
 */
final class ResidentMemory {

    private static final long LIMIT_BYTES = 64L << 20;
    private static final int WARM_UP = 100;
    static final int PASSES = 2000;

    private ResidentMemory() {}

    static void assertFlat(String what, Runnable pass) {
        for (int i = 0; i < WARM_UP; i++) {
            pass.run();
        }
        System.gc();
        long baseline = ProcessMemory.requireResidentBytes();
        for (int i = 0; i < PASSES; i++) {
            pass.run();
        }
        long grew = ProcessMemory.requireResidentBytes() - baseline;
        assertTrue(
                grew < LIMIT_BYTES,
                "RSS grew by " + (grew >> 20) + " MiB over " + PASSES + " " + what + " passes");
    }

    static BufferedImage noise(int side, long seed) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, r.nextInt());
            }
        }
        return image;
    }
}
