package io.github.fastvision.benchmarks.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.github.fastvision.benchmarks.ops.Int8PeakBenchmark.Kind;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The int8 peak's graphs compute the matrix product a Java loop computes. */
class Int8PeakBenchmarkTest {

    private static final int M = 5;
    private static final int K = 7;
    private static final int N = 3;

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theGraphComputesTheProduct(Kind kind) throws Exception {
        Random random = new Random(1);
        byte[] a = new byte[M * K];
        byte[] w = new byte[K * N];
        for (int i = 0; i < a.length; i++) {
            // uint8 values up to 255: the kernels must read the input as unsigned.
            a[i] = (byte) (kind == Kind.MATMUL_INTEGER ? random.nextInt(256) : random.nextInt(8));
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (byte) (random.nextInt(127) - 63);
        }
        int[] want = new int[M * N];
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                int sum = 0;
                for (int c = 0; c < K; c++) {
                    sum += Byte.toUnsignedInt(a[i * K + c]) * w[c * N + j];
                }
                want[i * N + j] =
                        kind == Kind.MATMUL_INTEGER ? sum : Math.max(0, Math.min(255, sum));
            }
        }
        try (OrtSession s = Int8PeakBenchmark.open(Int8PeakBenchmark.graph(kind, M, K, N, w), 1);
                OnnxTensor x = Int8PeakBenchmark.tensor(kind, a, M, K);
                OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), x))) {
            OnnxTensor y = (OnnxTensor) r.get(0);
            int[] got = new int[M * N];
            if (kind == Kind.MATMUL_INTEGER) {
                IntBuffer b = y.getIntBuffer();
                b.get(got);
            } else {
                ByteBuffer b = y.getByteBuffer();
                byte[] raw = new byte[M * N];
                b.get(raw);
                for (int i = 0; i < M; i++) {
                    for (int j = 0; j < N; j++) {
                        // The convolution writes channels (columns) first.
                        int at = kind == Kind.QLINEAR_CONV ? j * M + i : i * N + j;
                        got[i * N + j] = Byte.toUnsignedInt(raw[at]);
                    }
                }
            }
            assertArrayEquals(want, got, kind.toString());
        }
    }
}
