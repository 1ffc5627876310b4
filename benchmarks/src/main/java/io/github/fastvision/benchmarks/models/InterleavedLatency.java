package io.github.fastvision.benchmarks.models;

import ai.djl.engine.Engine;
import io.github.fastvision.core.runtime.NativeAllocator;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.ModelRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Latency of several models on one engine in one JVM, measured in interleaved rounds (each round
 * times every model in turn) and reported as the median round per model: on a shared machine, where
 * single short runs of the same model move by tens of percent, the ratio of two models is steadier
 * this way than from separate JMH runs. Models load through {@link ModelRuntime}, the path {@code
 * bench models} measures.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "examples/target/lib/*" \
 *   io.github.fastvision.benchmarks.models.InterleavedLatency \
 *   OnnxRuntime BATCH THREADS ROUNDS PASSES model[=weights.fvw] ...
 * </pre>
 */
public final class InterleavedLatency {

    private InterleavedLatency() {}

    /**
     * Runs the measurement and prints one line per model.
     *
     * @param args engine, batch, threads, rounds, passes per round, then models ({@code name} at
     *     random initialization with 1000 classes, or {@code name=weights.fvw})
     * @throws Exception when a model cannot be loaded or run
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            throw new IllegalArgumentException(
                    "usage: InterleavedLatency ENGINE BATCH THREADS ROUNDS PASSES model[=weights]"
                            + " ...");
        }
        NativeAllocator.tune();
        InferenceEngine engine = InferenceEngine.parse(args[0]);
        int batch = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int passes = Integer.parseInt(args[4]);
        List<String> names = new ArrayList<>();
        List<ModelRuntime> runtimes = new ArrayList<>();
        try {
            for (int i = 5; i < args.length; i++) {
                String[] nw = args[i].split("=", 2);
                Engine.getEngine("PyTorch").setRandomSeed(0);
                ModelRuntime.Builder b =
                        ModelRuntime.builder()
                                .setModel(nw[0])
                                .optEngine(engine)
                                .optThreads(threads);
                if (nw.length > 1) {
                    b.optWeights(Path.of(nw[1]));
                } else {
                    b.optNumClasses(1000);
                }
                runtimes.add(b.build());
                names.add(nw.length > 1 ? nw[0] + "=" + nw[1] : nw[0]);
            }
            float[][] inputs = new float[runtimes.size()][];
            Random random = new Random(0);
            for (int m = 0; m < runtimes.size(); m++) {
                int size = runtimes.get(m).options().inputSize();
                inputs[m] = new float[batch * runtimes.get(m).options().inChannels() * size * size];
                for (int i = 0; i < inputs[m].length; i++) {
                    inputs[m][i] = (float) random.nextGaussian();
                }
                runtimes.get(m).runFlat(inputs[m], batch);
                runtimes.get(m).runFlat(inputs[m], batch);
            }
            double[][] ms = new double[runtimes.size()][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int m = 0; m < runtimes.size(); m++) {
                    long t0 = System.nanoTime();
                    for (int p = 0; p < passes; p++) {
                        runtimes.get(m).runFlat(inputs[m], batch);
                    }
                    ms[m][r] = (System.nanoTime() - t0) / 1e6 / passes;
                }
            }
            for (int m = 0; m < runtimes.size(); m++) {
                double[] sorted = ms[m].clone();
                Arrays.sort(sorted);
                System.out.printf(
                        Locale.ROOT,
                        "%s batch %d threads %d %s: median %.1f ms (min %.1f, max %.1f; %d rounds"
                                + " x %d passes)%n",
                        engine,
                        batch,
                        threads,
                        names.get(m),
                        sorted[sorted.length / 2],
                        sorted[0],
                        sorted[sorted.length - 1],
                        rounds,
                        passes);
            }
        } finally {
            for (ModelRuntime rt : runtimes) {
                rt.close();
            }
        }
    }
}
