package io.github.fastvision.benchmarks.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.fastvision.core.layers.Autograd;
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
 * The machine's practical peak: square float32 matrix products ({@code size}³ multiply-adds), at
 * two sizes, since the best size for the BLAS kernel differs between machines; a suite takes the
 * best iteration of either as the peak.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g"})
public class PeakFlopsBenchmark {

    /** The largest matrix side (the reports' "2048² matmul"). */
    public static final int N = 2048;

    /** Matrix side. */
    @Param({"1024", "2048"})
    public int size;

    /** Intra-op threads. */
    @Param({"1"})
    public int threads;

    private NDManager manager;
    private NDArray a;
    private NDArray b;

    /** Builds the operands on the benchmark thread. */
    @Setup(Level.Trial)
    public void setUp() {
        NativeAllocator.tune();
        Autograd.disable();
        JniUtils.setNumThreads(threads);
        manager = NDManager.newBaseManager();
        a = manager.randomNormal(new Shape(size, size));
        b = manager.randomNormal(new Shape(size, size));
    }

    /** Frees the native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /**
     * One matrix product.
     *
     * @return an output value
     */
    @Benchmark
    public float matmul() {
        try (NDManager call = manager.newSubManager()) {
            NDArray c = a.matMul(b);
            c.attach(call);
            return c.getFloat(0, 0);
        }
    }
}
