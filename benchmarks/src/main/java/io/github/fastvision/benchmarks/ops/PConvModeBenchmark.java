package io.github.fastvision.benchmarks.ops;

import ai.djl.ndarray.types.Shape;
import io.github.fastvision.benchmarks.workload.ForwardBenchmark;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.core.pconv.PartialConv2d;
import io.github.fastvision.core.runtime.InferenceMode;
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
 * fasternet Table 9: PConv executed by split-and-concatenate versus in-place slicing, for the
 * ten-layer PConv stacks and for whole FasterNets (BN folded in both cases).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g"})
public class PConvModeBenchmark extends ForwardBenchmark {

    /** A feature map "CxHxW" for a PConv stack, or a FasterNet zoo name. */
    @Param({
        "96x56x56",
        "192x28x28",
        "384x14x14",
        "768x7x7",
        "fasternet_t0",
        "fasternet_t1",
        "fasternet_t2",
        "fasternet_s",
        "fasternet_m",
        "fasternet_l"
    })
    public String workload;

    /** Execution mode. */
    @Param({"SPLIT_CAT", "SLICING"})
    public PartialConv2d.Mode mode;

    /** Batch size. */
    @Param({"1"})
    public int batch;

    /** Intra-op threads. */
    @Param({"1"})
    public int threads;

    /** Builds the workload on the benchmark thread. */
    @Setup(Level.Trial)
    public void setUp() {
        if (workload.startsWith("fasternet")) {
            state.open(Workloads.model(workload), new Shape(batch, 3, 224, 224), threads);
        } else {
            long[] c = Workloads.chw(workload);
            state.open(
                    Workloads.operatorStack("pconv3x3_r4", (int) c[0], mode),
                    new Shape(batch, c[0], c[1], c[2]),
                    threads);
        }
        InferenceMode.enter(state.block());
        InferenceMode.setPConvMode(state.block(), mode);
    }
}
