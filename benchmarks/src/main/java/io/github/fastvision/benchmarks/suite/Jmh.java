package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.ops.Int8PeakBenchmark;
import io.github.fastvision.benchmarks.ops.PeakFlopsBenchmark;
import io.github.fastvision.core.pflayer.DeformablePoolKernel;
import io.github.fastvision.onnx.runtime.MixedSession;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The JMH run settings every suite shares, and the matmul peak they are compared with. */
final class Jmh {

    private Jmh() {}

    /**
     * JMH options for one benchmark class under the run settings.
     *
     * @param s settings
     * @param benchmark the JMH class
     * @return options to refine with the suite's parameters
     */
    static ChainedOptionsBuilder options(BenchSettings s, Class<?> benchmark) {
        ChainedOptionsBuilder b =
                new OptionsBuilder()
                        .include(benchmark.getName() + ".")
                        .param("threads", Integer.toString(s.threads()))
                        .shouldFailOnError(true)
                        .jvmArgsAppend(
                                "-Dai.djl.offline=true",
                                "-Xmx4g",
                                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                                "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error",
                                // Forked benchmarks serve deformable models the way the CLI
                                // was asked to (mixed execution unless set to false).
                                "-D"
                                        + MixedSession.PROPERTY
                                        + "="
                                        + System.getProperty(MixedSession.PROPERTY, "true"),
                                // The deformable-pool kernel's Vector API loops, unless turned
                                // off for this run.
                                "--add-modules=jdk.incubator.vector",
                                "-D"
                                        + DeformablePoolKernel.VECTOR_PROPERTY
                                        + "="
                                        + System.getProperty(
                                                DeformablePoolKernel.VECTOR_PROPERTY, "true"))
                        .output(s.log().toString());

        if (s.quick()) {
            // In-process runs save a JVM start per benchmark, but the tuned allocator
            // (NativeAllocator: no mmap, high trim threshold) keeps every model's batch-32
            // activations mapped: eight models at batch 32 grew one JVM past 20 GB. Batches above
            // 1 therefore get a fork per benchmark, which returns that memory when it exits.
            boolean large = s.batches().stream().anyMatch(x -> x > 1);
            b.forks(large ? 1 : 0)
                    .warmupIterations(1)
                    .warmupTime(TimeValue.milliseconds(s.quickIterationMs() * 3L / 5))
                    .measurementIterations(2)
                    .measurementTime(TimeValue.milliseconds(s.quickIterationMs()));
        }
        return b;
    }

    /**
     * JMH's string form of parameter values.
     *
     * @param values the values
     * @return their strings
     */
    static String[] strings(List<?> values) {
        return values.stream().map(String::valueOf).toArray(String[]::new);
    }

    /**
     * Runs JMH.
     *
     * @param b the options
     * @return the results
     * @throws IllegalStateException when JMH fails, with its message
     */
    static Collection<RunResult> run(ChainedOptionsBuilder b) {
        try {
            return new Runner(b.build()).run();
        } catch (RunnerException e) {
            throw new IllegalStateException("JMH run failed: " + e.getMessage(), e);
        }
    }

    /**
     * Measures the machine's matmul peak in multiply-adds per second: the best of several
     * iterations twice as long as a quick run's after two of warm-up (one second each by default: a
     * peak measured in half a second on a cold machine came out below what a 3×3 convolution
     * achieved), over the sizes of {@link PeakFlopsBenchmark}.
     *
     * @param s settings
     * @return peak
     */
    static double peak(BenchSettings s) {
        return bestIteration(s, PeakFlopsBenchmark.class);
    }

    /**
     * Measures the machine's int8 peak on ONNX Runtime in multiply-adds per second, as {@link
     * #peak}: the best iteration of {@link Int8PeakBenchmark} at its default size and kind.
     *
     * @param s settings
     * @return peak
     */
    static double int8Peak(BenchSettings s) {
        return bestIteration(s, Int8PeakBenchmark.class);
    }

    /**
     * Runs a peak benchmark with iterations twice a quick run's (one second by default) and takes
     * the best.
     */
    private static double bestIteration(BenchSettings s, Class<?> benchmark) {
        TimeValue iteration =
                TimeValue.milliseconds(
                        s.quick()
                                ? 2L * s.quickIterationMs()
                                : 2L * BenchSettings.DEFAULT_QUICK_ITERATION_MS);
        ChainedOptionsBuilder b =
                options(s, benchmark)
                        .warmupIterations(2)
                        .warmupTime(iteration)
                        .measurementIterations(s.quick() ? 3 : 5)
                        .measurementTime(iteration);
        return best(run(b));
    }

    /** The best rate of any iteration of square products of {@code size}. */
    private static double best(Collection<RunResult> results) {
        double best = 0;
        for (RunResult r : results) {
            double n = Integer.parseInt(r.getParams().getParam("size"));
            for (var iteration : r.getBenchmarkResults()) {
                for (var it : iteration.getIterationResults()) {
                    double ms = it.getPrimaryResult().getScore();
                    best = Math.max(best, n * n * n / (ms / 1000.0));
                }
            }
        }
        return best;
    }
}
