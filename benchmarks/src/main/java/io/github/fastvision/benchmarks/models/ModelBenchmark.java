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
 * Latency (batch 1) and throughput (batch 32) of zoo models at their own input size (224×224; the
 * CIFAR models 32×32; a weights file its recorded size) on the inference path ({@link
 * InferenceMode}), with DJL's own ResNetV1-50 and MobileNetV2 as baselines in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g", "--add-modules=jdk.incubator.vector"})
public class ModelBenchmark extends ForwardBenchmark {

    /** Zoo name, or djl_resnetv1_50 / djl_mobilenetv2. */
    @Param({"fasternet_t0", "resnet50", "djl_resnetv1_50", "djl_mobilenetv2"})
    public String model;

    /** Batch size. */
    @Param({"1"})
    public int batch;

    /** Intra-op threads. */
    @Param({"1"})
    public int threads;

    /** "fast" (BN folded, PConv slicing) or "eval" (plain eval-mode forward). */
    @Param({"fast"})
    public String path;

    /** Builds the model on the benchmark thread. */
    @Setup(Level.Trial)
    public void setUp() {
        state.open(Workloads.model(model), Workloads.inputShape(model, batch), threads);
        Workloads.weightsFile(model).ifPresent(state::load);
        if ("fast".equals(path)) {
            InferenceMode.enter(state.block());
        }
    }
}
