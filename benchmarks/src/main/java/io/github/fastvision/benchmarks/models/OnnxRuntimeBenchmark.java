package io.github.fastvision.benchmarks.models;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtException;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.ModelRuntime;
import io.github.fastvision.onnx.runtime.OnnxRuntimeSession;
import io.github.fastvision.onnx.runtime.ZooExports;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
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
 * Latency of a model on ONNX Runtime (graph optimization ALL, sequential execution, {@code threads}
 * intra-op threads) at the model's own input size: a zoo model (or a weights file, {@code
 * weights:/path/model.fvw}) through fastvision's own ONNX export, or an externally exported {@code
 * .onnx} file ({@code file:/path/model.onnx}, the peers). The same settings as {@link
 * ModelBenchmark}, so the two engines compare in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Dai.djl.offline=true", "-Xmx4g", "--add-modules=jdk.incubator.vector"})
public class OnnxRuntimeBenchmark {

    /** The prefix of a {@link #model} that names an .onnx file instead of a zoo model. */
    public static final String FILE = "file:";

    /** Zoo name, or {@code file:} and the path of an .onnx file. */
    @Param({"fasternet_t0"})
    public String model;

    /** Batch size. */
    @Param({"1"})
    public int batch;

    /** Intra-op threads. */
    @Param({"1"})
    public int threads;

    private OnnxRuntimeSession peer;
    private ModelRuntime runtime;
    private float[] input;
    private long[] shape;

    /**
     * Exports (or opens) the model and builds one fixed input.
     *
     * @throws IOException when the model cannot be exported or read
     * @throws OrtException when ONNX Runtime refuses it
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        if (model.startsWith(FILE)) {
            shape = new long[] {batch, 3, 224, 224};
            input = randomInput(shape);
            peer =
                    OnnxRuntimeSession.builder()
                            .optIntraOpThreads(threads)
                            .setModelFile(Path.of(model.substring(FILE.length())))
                            .build();
            return;
        }
        // A zoo name at its default options, or a weights file at the widths and input size it
        // records (a pruned model), through the runtime every door uses.
        Backbone built = Workloads.backbone(model);
        shape = built.inputShape(batch).getShape();
        input = randomInput(shape);
        runtime = runtime(built, InferenceEngine.ONNX_RUNTIME);
        // The full-size check of the export: the run fails unless ONNX Runtime's logits match
        // the PyTorch engine's (the same random initialization) within 1e-4 of their largest; an
        // int8 model gets a sanity bound only (relative L2 error below 1: not garbage), since the
        // benchmark's random input is unlike its calibration images (quantize --eval measures
        // accuracy on real ones).
        float[] got = runtime.runFlat(input, batch);
        float[] want;
        try (ModelRuntime reference = runtime(built, InferenceEngine.PYTORCH)) {
            want = reference.runFlat(input, batch);
        }
        boolean int8 = "int8".equals(runtime.precision());
        double error = int8 ? relativeL2(want, got) : ZooExports.relativeError(want, got);
        double allowed = int8 ? 1.0 : ZooExports.TOLERANCE;
        if (!(error <= allowed)) {
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "%s on ONNX Runtime (%s) differs from the PyTorch engine by %.3g"
                                    + " (allowed %.0e)",
                            built.getName(),
                            runtime.precision(),
                            error,
                            allowed));
        }
    }

    private static double relativeL2(float[] ref, float[] got) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < ref.length; i++) {
            num += (ref[i] - got[i]) * (double) (ref[i] - got[i]);
            den += ref[i] * (double) ref[i];
        }
        return Math.sqrt(num / den);
    }

    private ModelRuntime runtime(Backbone built, InferenceEngine engine) throws IOException {
        Engine.getEngine("PyTorch").setRandomSeed(0);
        return ModelRuntime.builder()
                .setModel(built.getName())
                .optWeights(Workloads.weightsFile(model).orElse(null))
                .optInputSize(built.getOptions().inputSize())
                .optNumClasses(
                        Workloads.weightsFile(model).isPresent()
                                ? 0
                                : built.getOptions().numClasses())
                .optEngine(engine)
                .optThreads(threads)
                .build();
    }

    private static float[] randomInput(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] x = new float[Math.toIntExact(n)];
        Random random = new Random(0);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    /**
     * Frees the native session.
     *
     * @throws OrtException when ONNX Runtime fails
     */
    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (peer != null) {
            peer.close();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    /**
     * One forward pass.
     *
     * @return an output value, so the work cannot be eliminated
     * @throws OrtException when ONNX Runtime fails
     */
    @Benchmark
    public float forward() throws OrtException {
        return peer != null ? peer.run(input, shape).values()[0] : runtime.runFlat(input, batch)[0];
    }
}
