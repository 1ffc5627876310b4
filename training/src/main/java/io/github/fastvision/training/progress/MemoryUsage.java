package io.github.fastvision.training.progress;

import io.github.fastvision.core.runtime.ProcessMemory;

/** Resident memory of this process, from {@code /proc/self/status} (Linux). */
public final class MemoryUsage {

    private MemoryUsage() {}

    /**
     * Returns the resident set size.
     *
     * @return MiB, or NaN where /proc is not available
     */
    public static double rssMiB() {
        long bytes = ProcessMemory.residentBytes();
        return bytes < 0 ? Double.NaN : bytes / (1024.0 * 1024.0);
    }
}
