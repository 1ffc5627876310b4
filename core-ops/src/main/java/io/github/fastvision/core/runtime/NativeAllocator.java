package io.github.fastvision.core.runtime;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps glibc from handing freed tensor memory back to the kernel after every operator.
 *
 * <p>Every DJL operator allocates a fresh output. With glibc's defaults the top of the heap is
 * trimmed after large frees, so the next activation page-faults its memory back in: measured on
 * ResNet-50 (batch 1, one thread, libtorch 2.7.1) this costs 547 ms per forward pass against 148 ms
 * after {@link #tune()}, while each convolution alone runs at 110–130 GFLOP/s either way. {@link
 * #tune()} serves tensors up to 32 MiB from the heap and raises the trim threshold and the top pad
 * through {@code mallopt}, which glibc also honours at run time. Memory that was freed stays mapped
 * for reuse, so RSS settles at the working set's peak instead of shrinking between passes.
 */
public final class NativeAllocator {

    private static final Logger LOGGER = LoggerFactory.getLogger(NativeAllocator.class);

    /** glibc's mallopt parameters. */
    private static final int M_TRIM_THRESHOLD = -1;

    private static final int M_TOP_PAD = -2;

    private static final int M_MMAP_THRESHOLD = -3;

    private static final int M_MMAP_MAX = -4;

    /**
     * Serve allocations up to 32 MiB (glibc's maximum) from the heap. Setting any threshold through
     * mallopt freezes glibc's dynamic mmap threshold at its 128 KiB start value, which would send
     * every activation through mmap and munmap.
     */
    private static final int MMAP_THRESHOLD = 32 << 20;

    /** Keep up to 1 GiB of freed heap before trimming. */
    private static final int TRIM_THRESHOLD = 1 << 30;

    /**
     * Keep 256 MiB of slack at the top of each heap. With less (64 MiB measured), per-thread arenas
     * still drop whole heaps after a pass and ResNet-50 on one thread stays at ~415 ms.
     */
    private static final int TOP_PAD = 256 << 20;

    private static volatile Boolean tuned;

    /** The C library, for mallopt. */
    private interface CLibrary extends Library {
        int mallopt(int param, int value);
    }

    private NativeAllocator() {}

    /**
     * Tunes glibc's allocator for tensor workloads; once per process, a no-op on other platforms.
     *
     * @return true when the settings took effect
     */
    public static synchronized boolean tune() {
        if (tuned != null) {
            return tuned;
        }
        boolean ok = false;
        if (Platform.isLinux()) {
            try {
                CLibrary c = Native.load("c", CLibrary.class);
                // No mmap at all: glibc caps the mmap threshold at 32 MiB, and batch-32 activations
                // (e.g. 32x96x56x56 floats, 38 MB) would still be mapped and unmapped per operator
                // (10 depthwise convs at batch 32: 503 -> 366 ms measured).
                ok =
                        c.mallopt(M_MMAP_MAX, 0) == 1
                                && c.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                                && c.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
                                && c.mallopt(M_TOP_PAD, TOP_PAD) == 1;
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                LOGGER.warn("could not tune glibc malloc: {}", e.getMessage());
            }
        }
        tuned = ok;
        return ok;
    }

    /**
     * Returns whether {@link #tune()} took effect.
     *
     * @return true after a successful tune
     */
    public static boolean isTuned() {
        return Boolean.TRUE.equals(tuned);
    }
}
