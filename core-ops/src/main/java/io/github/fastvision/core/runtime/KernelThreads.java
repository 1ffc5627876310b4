package io.github.fastvision.core.runtime;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntBinaryOperator;

/**
 * Runs the Java CPU kernels ({@code core.pflayer.DeformablePoolKernel}, {@code
 * core.anytime.SparseKernels}) on as many threads as the PyTorch engine uses ({@code
 * torch.get_num_threads}, set by {@code ai.djl.pytorch.num_threads} or {@link
 * JniUtils#setNumThreads}), so that a kernel and the libtorch operators around it compete for the
 * same cores. Kernels and libtorch operators never overlap (a kernel returns before the next
 * operator starts), so one shared pool sized to the machine is enough.
 */
public final class KernelThreads {

    /** Daemon workers, so that a CLI run ends when its main thread does. */
    private static final ForkJoinPool POOL =
            new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));

    private KernelThreads() {}

    /**
     * Returns how many threads a kernel uses: the PyTorch engine's intra-op thread count.
     *
     * @return at least 1
     */
    public static int threads() {
        Engine.getEngine("PyTorch");
        return Math.max(1, JniUtils.getNumThreads());
    }

    /**
     * Splits {@code [0, count)} into at most {@link #threads()} contiguous ranges and runs {@code
     * body.applyAsInt(begin, end)} on each, the calling thread taking the first range; returns when
     * all ranges are done. Units should be coarse (an image row, a tile): a range costs one task.
     *
     * @param count number of work units
     * @param body runs the units {@code begin} (inclusive) to {@code end} (exclusive); its return
     *     value is ignored
     */
    public static void forRange(int count, IntBinaryOperator body) {
        forRange(threads(), count, body);
    }

    /**
     * Splits {@code [0, count)} into at most {@code threads} ranges, as {@link #forRange(int,
     * IntBinaryOperator)} does, for a kernel run beside another engine than PyTorch (the mixed ONNX
     * Runtime path passes its session's intra-op thread count).
     *
     * @param threads the most threads to use, the calling one included
     * @param count number of work units
     * @param body runs the units {@code begin} (inclusive) to {@code end} (exclusive)
     */
    public static void forRange(int threads, int count, IntBinaryOperator body) {
        int parts = Math.min(Math.max(1, threads), count);
        if (parts <= 1) {
            if (count > 0) {
                body.applyAsInt(0, count);
            }
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(parts - 1);
        for (int p = 1; p < parts; p++) {
            int begin = (int) ((long) count * p / parts);
            int end = (int) ((long) count * (p + 1) / parts);
            tasks.add(POOL.submit(() -> body.applyAsInt(begin, end)));
        }
        RuntimeException failure = null;
        try {
            body.applyAsInt(0, (int) ((long) count / parts));
        } catch (RuntimeException e) {
            failure = e;
        }
        // Wait for every range even after a failure: no task may still write into a tensor that
        // the caller is about to free.
        for (ForkJoinTask<?> task : tasks) {
            try {
                task.join();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
