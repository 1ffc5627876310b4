package io.github.fastvision.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
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

    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    static void assertFlat(String what, Runnable pass) throws IOException {
        for (int i = 0; i < WARM_UP; i++) {
            pass.run();
        }
        System.gc();
        long baseline = residentBytes();
        for (int i = 0; i < PASSES; i++) {
            pass.run();
        }
        long grew = residentBytes() - baseline;
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
