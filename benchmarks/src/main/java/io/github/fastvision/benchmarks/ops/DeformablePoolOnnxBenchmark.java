package io.github.fastvision.benchmarks.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.core.runtime.NativeAllocator;
import io.github.fastvision.onnx.export.DeformablePoolExport;
import io.github.fastvision.onnx.export.MixedExport;
import io.github.fastvision.onnx.runtime.MixedSession;
import io.github.fastvision.onnx.runtime.OnnxRuntimeSession;
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
 * pflayer §5.1's deformable 3×3 pool (stride 1, modulated, its offsets convolution included) on
 * ONNX Runtime in each ONNX formulation of {@link DeformablePoolExport}, against the plain pooling
 * it extends on ONNX Runtime ({@code MaxPool} / {@code AveragePool}) and the block on PyTorch with
 * fastvision's fused kernel, and mixed execution (the offsets convolution in ONNX Runtime, the
 * kernel on its buffers). Every ONNX Runtime path copies its input in and its output out, as a
 * served model's first and last layer do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g", "--add-modules=jdk.incubator.vector"})
public class DeformablePoolOnnxBenchmark {

    /** How the pool runs. */
    public enum Path {
        /** ONNX Runtime, {@link DeformablePoolExport.Formulation#ROI_ALIGN}. */
        ORT_ROI_ALIGN,
        /** ONNX Runtime, {@link DeformablePoolExport.Formulation#GRID_SAMPLE}. */
        ORT_GRID_SAMPLE,
        /** ONNX Runtime, {@link DeformablePoolExport.Formulation#GATHER}. */
        ORT_GATHER,
        /**
         * Mixed execution ({@link MixedSession}): the offsets convolution in ONNX Runtime, the pool
         * in the Java kernel on ONNX Runtime's buffers, N(0,1) offsets.
         */
        MIXED,
        /** Mixed execution with a fresh zero predictor (integral taps). */
        MIXED_ZERO,
        /** ONNX Runtime's plain MaxPool / AveragePool, no offsets: the floor. */
        ORT_PLAIN,
        /** The block on PyTorch (libtorch offsets conv, fused Java kernel), N(0,1) offsets. */
        KERNEL,
        /**
         * The block on PyTorch with a fresh zero predictor: integral taps, the kernel's one-row
         * path (what a zoo model without trained weights runs).
         */
        KERNEL_ZERO
    }

    /** Feature map "CxHxW" (ResNet-50's stage 1 and stage 3 widths at 224²). */
    @Param({"64x56x56"})
    public String workload;

    /** Execution path. */
    @Param({
        "ORT_ROI_ALIGN",
        "ORT_GRID_SAMPLE",
        "ORT_GATHER",
        "ORT_PLAIN",
        "MIXED",
        "MIXED_ZERO",
        "KERNEL",
        "KERNEL_ZERO"
    })
    public Path path;

    /** Reduction. */
    @Param({"MAX"})
    public Pool2d.Mode mode;

    /** Batch size. */
    @Param({"1", "32"})
    public int batch;

    /** Intra-op threads (ONNX Runtime's and PyTorch's, which the kernel follows). */
    @Param({"1", "2"})
    public int threads;

    private NDManager manager;
    private DeformablePool2d pool;
    private NDArray x;
    private float[] input;
    private long[] shape;
    private OnnxRuntimeSession session;
    private MixedSession mixed;

    /**
     * Builds the pool (predictor weights N(0, 1/(9C)): offsets and modulation logits about N(0,1)),
     * its input and, for ONNX Runtime, its session.
     *
     * @throws Exception when ONNX Runtime cannot load the graph
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        NativeAllocator.tune();
        Autograd.disable();
        JniUtils.setNumThreads(threads);
        manager = NDManager.newBaseManager();
        long[] c = Workloads.chw(workload);
        Shape xs = new Shape(batch, c[0], c[1], c[2]);
        pool =
                DeformablePool2d.builder()
                        .setChannels((int) c[0])
                        .optMode(mode)
                        .optModulation(true)
                        .build();
        pool.initialize(manager, DataType.FLOAT32, xs);
        if (path != Path.KERNEL_ZERO && path != Path.MIXED_ZERO) {
            NDArray w = pool.getOffsetConv().getParameters().get("weight").getArray();
            w.set(
                    manager.randomNormal(
                                    0f,
                                    (float) (1 / Math.sqrt(9.0 * c[0])),
                                    w.getShape(),
                                    DataType.FLOAT32)
                            .toFloatArray());
        }
        x = manager.randomNormal(xs);
        input = x.toFloatArray();
        shape = xs.getShape();
        byte[] onnx;
        switch (path) {
            case ORT_ROI_ALIGN:
                onnx =
                        DeformablePoolExport.standalone(
                                pool, xs, DeformablePoolExport.Formulation.ROI_ALIGN);
                break;
            case ORT_GRID_SAMPLE:
                onnx =
                        DeformablePoolExport.standalone(
                                pool, xs, DeformablePoolExport.Formulation.GRID_SAMPLE);
                break;
            case ORT_GATHER:
                onnx =
                        DeformablePoolExport.standalone(
                                pool, xs, DeformablePoolExport.Formulation.GATHER);
                break;
            case ORT_PLAIN:
                onnx = DeformablePoolExport.plainPool(mode, xs, 3, 1);
                break;
            case MIXED:
            case MIXED_ZERO:
                onnx = null;
                mixed = MixedSession.open(MixedExport.standalone(pool, xs), threads);
                break;
            default:
                onnx = null;
                break;
        }
        if (onnx != null) {
            session =
                    OnnxRuntimeSession.builder().setModel(onnx).optIntraOpThreads(threads).build();
        }
    }

    /**
     * Frees the session and the native memory.
     *
     * @throws Exception when ONNX Runtime fails to close
     */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (session != null) {
            session.close();
        }
        if (mixed != null) {
            mixed.close();
        }
        manager.close();
    }

    /**
     * One pass of the pool.
     *
     * @return one output value, so the work cannot be eliminated
     * @throws Exception when ONNX Runtime fails
     */
    @Benchmark
    public float pool() throws Exception {
        if (session != null) {
            return session.run(input, shape).values()[0];
        }
        if (mixed != null) {
            return mixed.run(batch, b -> b.put(input))[0];
        }
        try (NDManager call = manager.newSubManager()) {
            x.attach(call);
            try {
                NDArray y =
                        pool.forward(new ParameterStore(call, false), new NDList(x), false)
                                .singletonOrThrow();
                return y.getFloat(0, 0, 0, 0);
            } finally {
                x.attach(manager);
            }
        }
    }
}
