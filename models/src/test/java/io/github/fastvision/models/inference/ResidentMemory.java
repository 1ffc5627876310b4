package io.github.fastvision.models.inference;

import io.github.fastvision.core.runtime.ProcessMemory;
import java.awt.image.BufferedImage;
import java.util.Random;

/** The memory tests' loop: RSS growth over 2,000 passes after a warm-up, read without a GC. */
final class ResidentMemory {

    /** The bound of every native-memory loop test. */
    static final long LIMIT_BYTES = 64L << 20;

    static final int PASSES = 2000;
    private static final int WARM_UP = 100;

    private ResidentMemory() {}

    static long growth(Runnable pass) {
        for (int i = 0; i < WARM_UP; i++) {
            pass.run();
        }
        System.gc();
        long baseline = ProcessMemory.requireResidentBytes();
        for (int i = 0; i < PASSES; i++) {
            pass.run();
        }
        // No GC here: deterministic release must not need one.
        return ProcessMemory.requireResidentBytes() - baseline;
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
