package io.github.fastvision.core.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This JVM's resident memory (VmRSS in {@code /proc/self/status}, Linux): what native tensors and
 * the Java heap hold together, which the memory-loop tests, the training progress line and the
 * Spark partitions' memory log read.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /**
     * Returns the resident set size.
     *
     * @return bytes, or -1 where {@code /proc/self/status} cannot be read or has no VmRSS line
     */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Returns the resident set size, for a measurement that must not go on without it.
     *
     * @return bytes
     * @throws IllegalStateException where {@link #residentBytes()} has no reading
     */
    public static long requireResidentBytes() {
        long bytes = residentBytes();
        if (bytes < 0) {
            throw new IllegalStateException("no VmRSS in " + STATUS);
        }
        return bytes;
    }
}
