package io.github.fastvision.benchmarks.ops;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.fastvision.core.runtime.NativeAllocator;
import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.export.OnnxGraph;
import io.github.fastvision.onnx.export.OnnxGraph.Attr;
import io.github.fastvision.onnx.proto.OnnxProto.TensorProto;
import io.github.fastvision.onnx.runtime.OnnxRuntimeSession;
import io.github.fastvision.onnx.runtime.OrtEnvironments;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
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
 * The machine's practical int8 peak: a square uint8 × int8 matrix product ({@code size}³
 * multiply-adds) on ONNX Runtime, the engine the int8 models run on, with the same session settings
 * as the model rows (all graph optimizations, sequential, {@code threads} intra-op threads). The
 * graph is built in memory with the project's ONNX writer: a uint8 graph input times an int8
 * initializer (so ONNX Runtime packs the weights once, as it does for a model's), in one of the
 * integer formulations ONNX Runtime's CPU kernels run ({@link Kind}); a suite takes the best
 * iteration as the peak the int8 rows are a share of. On a 2-core AVX2 EPYC (no VNNI), at one
 * thread, the three kinds came within 10% of each other at 1024 and 2048, MatMulInteger at 1024 the
 * fastest, hence the defaults.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g"})
public class Int8PeakBenchmark {

    /** The integer formulations of one matrix product. */
    public enum Kind {
        /** {@code MatMulInteger}: uint8 × int8 with int32 output. */
        MATMUL_INTEGER,
        /** {@code QLinearMatMul}: uint8 × int8 requantized to uint8. */
        QLINEAR_MATMUL,
        /** A 1×1 {@code QLinearConv} over a size × size × 1 map: int8 weights, uint8 output. */
        QLINEAR_CONV;

        /**
         * Parses a kind name.
         *
         * @param name e.g. {@code matmul_integer}
         * @return the kind
         */
        public static Kind parse(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** Matrix side. */
    @Param({"1024"})
    public int size;

    /** Intra-op threads. */
    @Param({"1"})
    public int threads;

    /** The formulation: matmul_integer, qlinear_matmul or qlinear_conv. */
    @Param({"matmul_integer"})
    public String kind;

    private OrtSession session;
    private OnnxTensor input;
    private String inputName;

    /**
     * Builds the graph, opens the session and builds the input.
     *
     * @throws OrtException when ONNX Runtime refuses the graph
     */
    @Setup(Level.Trial)
    public void setUp() throws OrtException {
        NativeAllocator.tune();
        Random random = new Random(0);
        byte[] a = new byte[size * size];
        byte[] w = new byte[size * size];
        for (int i = 0; i < a.length; i++) {
            a[i] = (byte) random.nextInt(256);
            w[i] = (byte) (random.nextInt(127) - 63);
        }
        Kind k = Kind.parse(kind);
        session = open(graph(k, size, size, size, w), threads);
        inputName = session.getInputNames().iterator().next();
        input = tensor(k, a, size, size);
    }

    /**
     * Frees the native session and input.
     *
     * @throws OrtException when ONNX Runtime fails
     */
    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        input.close();
        session.close();
    }

    /**
     * One matrix product.
     *
     * @return an output value, so the work cannot be eliminated
     * @throws OrtException when ONNX Runtime fails
     */
    @Benchmark
    public int matmul() throws OrtException {
        // The native product cannot be eliminated; its output is not copied out, so the time is
        // the product's alone.
        try (OrtSession.Result r = session.run(Map.of(inputName, input))) {
            return r.size();
        }
    }

    /**
     * The graph of an m × k uint8 input times a k × n int8 weight (row-major); {@link
     * Kind#MATMUL_INTEGER} gives the exact int32 product, the QLinear kinds the same product
     * clamped to uint8's 0..255 (zero points 0, scales whose ratio is 1).
     *
     * @param kind the formulation
     * @param m rows of the input
     * @param k the inner dimension
     * @param n columns of the weight
     * @param weight k × n int8 values, row-major
     * @return the serialized model
     */
    public static byte[] graph(Kind kind, int m, int k, int n, byte[] weight) {
        if (weight.length != k * n) {
            throw new IllegalArgumentException(
                    "weight must hold k * n = " + k * n + " values but has " + weight.length);
        }
        int u8 = TensorProto.DataType.UINT8_VALUE;
        int s8 = TensorProto.DataType.INT8_VALUE;
        OnnxGraph g = new OnnxGraph();
        String out;
        switch (kind) {
            case MATMUL_INTEGER -> {
                String x = g.typedInput("x", u8, m, k);
                String b = raw(g, "w", s8, weight, k, n);
                out = g.node("MatMulInteger", "y", List.of(x, b));
                g.typedOutput(out, TensorProto.DataType.INT32_VALUE, m, n);
            }
            case QLINEAR_MATMUL -> {
                String x = g.typedInput("x", u8, m, k);
                String b = raw(g, "w", s8, weight, k, n);
                out = g.node("QLinearMatMul", "y", qlinearInputs(g, x, b));
                g.typedOutput(out, u8, m, n);
            }
            case QLINEAR_CONV -> {
                // Channels are the inner dimension, the m rows the pixels of an m × 1 map:
                // y[o, p] = sum_c w[o, c] x[c, p], so the input is the transposed matrix.
                String x = g.typedInput("x", u8, 1, k, m, 1);
                byte[] oc = transpose(weight, k, n);
                String b = raw(g, "w", s8, oc, n, k, 1, 1);
                out =
                        g.node(
                                "QLinearConv",
                                "y",
                                qlinearInputs(g, x, b),
                                Attr.ints("kernel_shape", 1, 1));
                g.typedOutput(out, u8, 1, n, m, 1);
            }
            default -> throw new IllegalArgumentException("kind " + kind);
        }
        return g.toModel("int8_peak", OnnxExporter.DEFAULT_OPSET, "fastvision", "bench", Map.of());
    }

    /**
     * The inputs of QLinearMatMul and QLinearConv, which take the same eight: input, its scale and
     * zero point, weight, its scale and zero point, output scale and zero point (zero points 0,
     * output scale equal to the weight's, so the product is not rescaled).
     */
    private static List<String> qlinearInputs(OnnxGraph g, String x, String w) {
        int u8 = TensorProto.DataType.UINT8_VALUE;
        int s8 = TensorProto.DataType.INT8_VALUE;
        return List.of(
                x,
                g.scalar(1f),
                raw(g, "x_zero", u8, new byte[1]),
                w,
                g.scalar(1f / 16),
                raw(g, "w_zero", s8, new byte[1]),
                g.scalar(1f / 16),
                raw(g, "y_zero", u8, new byte[1]));
    }

    /**
     * Opens a session with the model rows' settings.
     *
     * @param model the serialized model
     * @param threads intra-op threads
     * @return the session
     * @throws OrtException when ONNX Runtime refuses the model
     */
    public static OrtSession open(byte[] model, int threads) throws OrtException {
        try (OrtSession.SessionOptions options = OnnxRuntimeSession.newOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            return OrtEnvironments.shared().createSession(model, options);
        }
    }

    /**
     * The uint8 input tensor of an m × k matrix (row-major) in a kind's layout.
     *
     * @param kind the formulation
     * @param a m × k values, row-major
     * @param m rows
     * @param k columns
     * @return the tensor, which the caller closes
     * @throws OrtException when ONNX Runtime fails
     */
    public static OnnxTensor tensor(Kind kind, byte[] a, int m, int k) throws OrtException {
        boolean conv = kind == Kind.QLINEAR_CONV;
        byte[] data = conv ? transpose(a, m, k) : a;
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).order(ByteOrder.nativeOrder());
        direct.put(data).flip();
        long[] shape = conv ? new long[] {1, k, m, 1} : new long[] {m, k};
        OrtEnvironment env = OrtEnvironments.shared();
        return OnnxTensor.createTensor(env, direct, shape, ai.onnxruntime.OnnxJavaType.UINT8);
    }

    private static String raw(OnnxGraph g, String hint, int type, byte[] data, long... dims) {
        String name = g.fresh(hint);
        g.initializers().put(name, new OnnxGraph.Initializer(name, type, dims, null, null, data));
        return name;
    }

    private static byte[] transpose(byte[] x, int rows, int cols) {
        byte[] t = new byte[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return t;
    }
}
