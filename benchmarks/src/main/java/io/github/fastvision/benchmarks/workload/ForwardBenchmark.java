package io.github.fastvision.benchmarks.workload;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What every forward-pass benchmark shares: the timed method and the teardown. Subclasses declare
 * their parameters and build their workload in a {@code @Setup(Level.Trial)} method with {@link
 * #state}. JMH generates one benchmark per concrete subclass.
 */
@State(Scope.Thread)
public abstract class ForwardBenchmark {

    /** The workload under test. */
    protected final ForwardState state = new ForwardState();

    /** Frees the native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        state.close();
    }

    /**
     * One forward pass.
     *
     * @return an output value, so the work cannot be eliminated
     */
    @Benchmark
    public float forward() {
        return state.forward();
    }
}
