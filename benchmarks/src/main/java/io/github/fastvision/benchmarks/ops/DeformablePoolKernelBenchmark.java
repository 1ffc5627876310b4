package io.github.fastvision.benchmarks.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.core.pflayer.DeformablePoolKernel;
import io.github.fastvision.core.runtime.NativeAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * pflayer §5.1: the deformable 3×3 pooling of ResNet-50-deform's bottlenecks, sampling only (the
 * offset convolution is the same libtorch conv on every path), executed by the one-pass Java kernel
 * ({@link DeformablePoolKernel}), by today's libtorch-operator path ({@link
 * DeformablePool2d#sample}, the training path) and, as the floor, by the plain pooling it extends
 * ({@link Pool2d#pool}, no offsets).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g", "--add-modules=jdk.incubator.vector"})
public class DeformablePoolKernelBenchmark {

    /** How the pooling runs. */
    public enum Path {
        /** {@link DeformablePoolKernel#pool}. */
        KERNEL,
        /** {@link DeformablePool2d#sample}: libtorch operators, autograd-capable. */
        LIBTORCH,
        /** {@link Pool2d#pool} without offsets: the dense operator deformable pooling extends. */
        PLAIN
    }

    /** What the offsets are. */
    public enum Offsets {
        /** N(0,1), a trained predictor's scale: every tap is bilinear. */
        RANDOM,
        /**
         * All zero, a fresh zero-initialised predictor: every tap is integral, the kernel's one-row
         * path with whole output rows merged into one loop.
         */
        ZERO
    }

    /** Feature map "CxHxW" (ResNet-50's stage 1 and stage 3 widths at 224²). */
    @Param({"64x56x56", "256x14x14"})
    public String workload;

    /** Execution path. */
    @Param({"KERNEL", "LIBTORCH", "PLAIN"})
    public Path path;

    /** The offsets (ignored by {@link Path#PLAIN}). */
    @Param({"RANDOM", "ZERO"})
    public Offsets offsetKind;

    /** Reduction. */
    @Param({"MAX", "AVG"})
    public Pool2d.Mode mode;

    /** Batch size. */
    @Param({"1", "32"})
    public int batch;

    /** Intra-op threads (the kernel uses as many). */
    @Param({"1", "2"})
    public int threads;

    private NDManager manager;
    private NDArray x;
    private NDArray offsets;

    /** Builds the inputs: N(0,1) features and N(0,1) or zero offsets. */
    @Setup(Level.Trial)
    public void setUp() {
        NativeAllocator.tune();
        Autograd.disable();
        JniUtils.setNumThreads(threads);
        manager = NDManager.newBaseManager();
        long[] c = Workloads.chw(workload);
        x = manager.randomNormal(new Shape(batch, c[0], c[1], c[2]));
        Shape offsetShape = new Shape(batch, 18, c[1], c[2]);
        offsets =
                offsetKind == Offsets.ZERO
                        ? manager.zeros(offsetShape)
                        : manager.randomNormal(0f, 1f, offsetShape, DataType.FLOAT32);
    }

    /** Frees the native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /**
     * One pooling pass in its own sub-manager.
     *
     * @return one output value, so the work cannot be eliminated
     */
    @Benchmark
    public float pool() {
        try (NDManager call = manager.newSubManager()) {
            x.attach(call);
            offsets.attach(call);
            try {
                NDArray y;
                switch (path) {
                    case KERNEL:
                        y = DeformablePoolKernel.pool(x, offsets, 3, 1, mode);
                        break;
                    case LIBTORCH:
                        y = DeformablePool2d.sample(x, offsets, 3, 1, mode);
                        break;
                    default:
                        y = Pool2d.pool(x, mode, 3, 1, 1);
                        break;
                }
                return y.getFloat(0, 0, 0, 0);
            } finally {
                x.attach(manager);
                offsets.attach(manager);
            }
        }
    }
}
