package io.github.fastvision.benchmarks.models;

import io.github.fastvision.benchmarks.workload.ForwardBenchmark;
import io.github.fastvision.benchmarks.workload.Workloads;
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
 * pflayer Tables 2–4 and 6 on this machine: ResNet-50 against its max-pool, hybrid and deformable
 * versions, and ViT-S against its max-pool and dw-conv versions, on the inference path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g", "--add-modules=jdk.incubator.vector"})
public class PfLayerBenchmark extends ForwardBenchmark {

    /** Zoo name. */
    @Param({
        "resnet50",
        "resnet50_hybrid",
        "resnet50_max",
        "resnet50_deform_max",
        "vit_small",
        "vit_small_maxpool",
        "vit_small_dwconv"
    })
    public String model;

    /** Batch size. */
    @Param({"1"})
    public int batch;

    /** Intra-op threads. */
    @Param({"1"})
    public int threads;

    /** Builds the model on the benchmark thread and enters the inference path. */
    @Setup(Level.Trial)
    public void setUp() {
        state.open(Workloads.model(model), Workloads.inputShape(model, batch), threads);
        Workloads.weightsFile(model).ifPresent(state::load);
        InferenceMode.enter(state.block());
    }
}
