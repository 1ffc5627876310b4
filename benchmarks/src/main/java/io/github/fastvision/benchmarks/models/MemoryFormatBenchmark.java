package io.github.fastvision.benchmarks.models;

import io.github.fastvision.benchmarks.workload.ForwardBenchmark;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.core.runtime.InferenceMode;
import io.github.fastvision.core.runtime.MemoryFormat;
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
 * A zoo model's inference fast path with its input in NCHW or channels-last memory, side by side:
 * the measurement behind {@code models/default-memory-formats.properties}. The channels-last rows
 * include converting the NCHW input each pass, as users feed it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g"})
public class MemoryFormatBenchmark extends ForwardBenchmark {

    /** Zoo name. */
    @Param({"fasternet_t0", "rexnet_100", "convnext_tiny", "resnet50"})
    public String model;

    /** Batch size. */
    @Param({"1"})
    public int batch;

    /** Intra-op threads. */
    @Param({"1"})
    public int threads;

    /** {@code contiguous} or {@code channels_last} ({@link MemoryFormat#parse}). */
    @Param({"contiguous", "channels_last"})
    public String format;

    /** Builds the model on the benchmark thread and enters the fast path in the format. */
    @Setup(Level.Trial)
    public void setUp() {
        state.open(Workloads.model(model), Workloads.inputShape(model, batch), threads);
        Workloads.weightsFile(model).ifPresent(state::load);
        InferenceMode.enter(state.block(), MemoryFormat.parse(format));
    }
}
