package io.github.fastvision.benchmarks.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.pconv.PartialConv2d;
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
 * FasterNet Table 9 at the operator level: one PConv 3×3 (r = 1/4) executed by splitting and
 * concatenating versus slicing and writing in place, at batch 1 on the four feature-map sizes of
 * FasterNet's stages.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PConvModeBenchmark {

    /** Feature map as channels x height x width. */
    @Param({"96x56x56", "192x28x28", "384x14x14", "768x7x7"})
    public String featureMap;

    /** Execution mode. */
    @Param({"SPLIT_CAT", "SLICING"})
    public PartialConv2d.Mode mode;

    private NDManager manager;
    private PartialConv2d pconv;
    private ParameterStore ps;
    private NDArray input;

    /** Builds the operator on the benchmark thread, with autograd off. */
    @Setup(Level.Trial)
    public void setUp() {
        Autograd.disable();
        String[] dims = featureMap.split("x");
        Shape shape =
                new Shape(1, Long.parseLong(dims[0]), Long.parseLong(dims[1]), Long.parseLong(dims[2]));
        manager = NDManager.newBaseManager();
        pconv = PartialConv2d.builder().setChannels((int) shape.get(1)).optMode(mode).build();
        pconv.initialize(manager, DataType.FLOAT32, shape);
        ps = new ParameterStore(manager, false);
        input = manager.randomNormal(shape);
    }

    /** Frees the native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
    }

    /**
     * One forward pass; intermediate arrays are freed with the per-call sub-manager.
     *
     * @return a scalar from the output, so the work cannot be eliminated
     */
    @Benchmark
    public float forward() {
        try (NDManager call = manager.newSubManager()) {
            NDArray x = input.duplicate();
            x.attach(call);
            NDArray y = pconv.forward(ps, new NDList(x), false).singletonOrThrow();
            return y.getFloat(0, 0, 0, 0);
        }
    }
}
