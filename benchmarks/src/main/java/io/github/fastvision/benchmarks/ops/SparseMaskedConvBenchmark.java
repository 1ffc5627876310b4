package io.github.fastvision.benchmarks.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.jni.JniUtils;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.core.anytime.SparseConv;
import io.github.fastvision.core.anytime.SpatialMask;
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
 * ADP-C's masked 3×3 convolution (thesis §2.3, Eqs. 2.3–2.6) at HRNet-W18's branch widths, computed
 * sparsely by {@link SparseConv#conv2d} (Java gather and scatter around libtorch's matrix product)
 * and by {@link SparseConv#conv2dLibtorch} (the libtorch gather, kept as the baseline), against the
 * dense convolution times the mask (the dense masked path) and the plain dense convolution it
 * replaces. Where the sparse path beats the dense masked one sets {@code
 * AnytimeContext.DEFAULT_MAX_SPARSE_DENSITY}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g"})
public class SparseMaskedConvBenchmark {

    /** How the convolution runs. */
    public enum Path {
        /** {@link SparseConv#conv2d}. */
        SPARSE_JAVA,
        /** {@link SparseConv#conv2dLibtorch}. */
        SPARSE_LIBTORCH,
        /** The dense convolution times the mask. */
        DENSE_MASKED,
        /** The dense convolution alone. */
        DENSE
    }

    /** Feature map "CxHxW": HRNet-W18's four branches at a 192×192 input. */
    @Param({"18x48x48", "36x24x24", "72x12x12", "144x6x6"})
    public String workload;

    /** Execution path. */
    @Param({"SPARSE_JAVA", "SPARSE_LIBTORCH", "DENSE_MASKED", "DENSE"})
    public Path path;

    /** Share of computed positions (random positions). */
    @Param({"0.1", "0.35", "0.5", "0.75"})
    public float density;

    /** Batch size. */
    @Param({"1", "32"})
    public int batch;

    /** Intra-op threads (the Java gather uses as many). */
    @Param({"1", "2"})
    public int threads;

    private NDManager manager;
    private NDArray x;
    private NDArray weight;
    private NDArray bias;
    private SpatialMask mask;
    private SpatialMask.Level level;

    /** Builds the input, the weights and the mask. */
    @Setup(Level.Trial)
    public void setUp() {
        NativeAllocator.tune();
        Autograd.disable();
        JniUtils.setNumThreads(threads);
        manager = NDManager.newBaseManager();
        long[] c = Workloads.chw(workload);
        x = manager.randomNormal(new Shape(batch, c[0], c[1], c[2]));
        weight = manager.randomNormal(0f, 0.1f, new Shape(c[0], c[0], 3, 3), x.getDataType());
        bias = manager.zeros(new Shape(c[0]));
        // Positions whose confidence is below the threshold are computed: a uniform confidence
        // computes a share of about `density`.
        NDArray conf = manager.randomUniform(0f, 1f, new Shape(batch, c[1], c[2]));
        mask = SpatialMask.fromConfidence(conf, density);
        level = mask.at(c[1], c[2]);
        // The mask's index caches are built once per pass in ADP-C as well.
        SparseConv.conv2d(x, weight, bias, 1, 1, level);
        SparseConv.conv2dLibtorch(x, weight, bias, 1, 1, level);
    }

    /** Frees the native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        mask.close();
        manager.close();
    }

    /**
     * One convolution in its own sub-manager.
     *
     * @return one output value, so the work cannot be eliminated
     */
    @Benchmark
    public float conv() {
        try (NDManager call = manager.newSubManager()) {
            x.attach(call);
            try {
                NDArray y;
                switch (path) {
                    case SPARSE_JAVA:
                        y = SparseConv.conv2d(x, weight, bias, 1, 1, level);
                        break;
                    case SPARSE_LIBTORCH:
                        y = SparseConv.conv2dLibtorch(x, weight, bias, 1, 1, level);
                        break;
                    case DENSE_MASKED:
                        y = dense().mul(level.compute());
                        break;
                    default:
                        y = dense();
                        break;
                }
                return y.getFloat(0, 0, 0, 0);
            } finally {
                x.attach(manager);
            }
        }
    }

    private NDArray dense() {
        return Conv2d.conv2d(x, weight, bias, new Shape(1, 1), new Shape(1, 1)).singletonOrThrow();
    }
}
