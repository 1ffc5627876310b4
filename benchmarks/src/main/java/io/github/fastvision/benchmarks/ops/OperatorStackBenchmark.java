package io.github.fastvision.benchmarks.ops;

import ai.djl.ndarray.types.Shape;
import io.github.fastvision.benchmarks.workload.ForwardBenchmark;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.core.pconv.PartialConv2d;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * fasternet Table 1: ten stacked layers of Conv 3×3, GConv 3×3 (16 groups), DWConv 3×3 and PConv
 * 3×3 (r = 1/4, slicing) on FasterNet's four feature-map sizes; latency at batch 1, throughput at
 * batch 32.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g"})
public class OperatorStackBenchmark extends ForwardBenchmark {

    /** Operator name as in the report. */
    @Param({"conv3x3", "gconv3x3_g16", "dwconv3x3", "pconv3x3_r4"})
    public String op;

    /** Feature map CxHxW. */
    @Param({"96x56x56", "192x28x28", "384x14x14", "768x7x7"})
    public String input;

    /** Batch size. */
    @Param({"1", "32"})
    public int batch;

    /** Intra-op threads. */
    @Param({"1"})
    public int threads;

    /** Builds the stack on the benchmark thread. */
    @Setup(Level.Trial)
    public void setUp() {
        long[] c = Workloads.chw(input);
        state.open(
                Workloads.operatorStack(op, (int) c[0], PartialConv2d.Mode.SLICING),
                new Shape(batch, c[0], c[1], c[2]),
                threads);
    }
}
