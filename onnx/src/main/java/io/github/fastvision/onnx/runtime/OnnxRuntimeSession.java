package io.github.fastvision.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One ONNX Runtime session on a single-input, single-output float32 model: graph optimization ALL,
 * a fixed intra-op thread count and denormals flushed to zero (randomly initialized and some
 * trained nets carry activations below 1e-38, which x86 computes in microcode; see
 * docs/results/benchmarks.md). It runs in the JVM's shared environment ({@link OrtEnvironments}).
 * Thread-safe; closing it frees the native session.
 */
public final class OnnxRuntimeSession implements AutoCloseable {

    /**
     * System property that, set to {@code false}, stops ONNX Runtime's intra-op threads from
     * spinning while they wait: on a machine shared with other busy processes (a parallel test run)
     * spinning threads take the cores the others need.
     */
    public static final String SPINNING_PROPERTY = "fastvision.onnxruntime.spinning";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final ThreadLocal<FloatBuffer> scratch = new ThreadLocal<>();

    private OnnxRuntimeSession(Builder b) throws OrtException {
        env = OrtEnvironments.shared();
        try (OrtSession.SessionOptions options = sessionOptions(b.threads)) {
            session =
                    b.bytes != null
                            ? env.createSession(b.bytes, options)
                            : env.createSession(b.file.toString(), options);
        }
        if (session.getInputNames().size() != 1 || session.getOutputNames().size() != 1) {
            String message =
                    (b.file != null ? b.file.toString() : "the model")
                            + " has inputs "
                            + session.getInputNames()
                            + " and outputs "
                            + session.getOutputNames()
                            + "; expected one float32 input and one output";
            session.close();
            throw new IllegalArgumentException(message);
        }
        input = session.getInputNames().iterator().next();
    }

    /**
     * The options of every fastvision session: graph optimization ALL, the intra-op threads, one
     * inter-op thread, sequential execution, denormals as zero and {@link #SPINNING_PROPERTY}.
     *
     * @param threads intra-op threads (0: ONNX Runtime's default)
     * @return options the caller closes
     * @throws OrtException if ONNX Runtime refuses a setting
     */
    static OrtSession.SessionOptions sessionOptions(int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.addConfigEntry("session.set_denormal_as_zero", "1");
            applySpinning(options);
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the model's {@code metadata_props}.
     *
     * @return key to value
     * @throws OrtException when ONNX Runtime cannot read them
     */
    public Map<String, String> metadata() throws OrtException {
        return session.getMetadata().getCustomMetadata();
    }

    /** The output of one run: values (row-major) and shape. */
    public record Output(float[] values, long[] shape) {}

    /**
     * Runs the model once.
     *
     * @param values the input, row-major
     * @param shape the input shape
     * @return the output
     * @throws OrtException when ONNX Runtime fails
     */
    public Output run(float[] values, long[] shape) throws OrtException {
        return run(shape, buffer -> buffer.put(values));
    }

    /**
     * Runs the model once on an input written straight into a direct buffer that this thread reuses
     * (ONNX Runtime copies a heap buffer into a fresh direct buffer on every call, which only the
     * garbage collector frees).
     *
     * @param shape the input shape
     * @param fill writes the input, row-major, from position 0
     * @return the output
     * @throws OrtException when ONNX Runtime fails
     */
    public Output run(long[] shape, Consumer<FloatBuffer> fill) throws OrtException {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        int floats = Math.toIntExact(count);
        FloatBuffer direct = scratch.get();
        if (direct == null || direct.capacity() != floats) {
            direct =
                    ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES))
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
            scratch.set(direct);
        }
        direct.clear();
        fill.accept(direct);
        if (direct.position() != floats) {
            throw new IllegalArgumentException(
                    "the input of shape "
                            + java.util.Arrays.toString(shape)
                            + " needs "
                            + floats
                            + " values but "
                            + direct.position()
                            + " were written");
        }
        direct.flip();
        try (OnnxTensor x = OnnxTensor.createTensor(env, direct, shape);
                OrtSession.Result result = session.run(Map.of(input, x))) {
            OnnxTensor y = (OnnxTensor) result.get(0);
            FloatBuffer buffer = y.getFloatBuffer();
            float[] out = new float[buffer.remaining()];
            buffer.get(out);
            return new Output(out, y.getInfo().getShape());
        }
    }

    /**
     * Returns the description of the model's output.
     *
     * @return its value info (a {@code TensorInfo} for fastvision's exports)
     * @throws OrtException when ONNX Runtime cannot describe it
     */
    public ai.onnxruntime.ValueInfo outputInfo() throws OrtException {
        return session.getOutputInfo().values().iterator().next().getInfo();
    }

    /**
     * Returns the name of the model's input.
     *
     * @return the input name
     */
    public String inputName() {
        return input;
    }

    /** {@inheritDoc} */
    @Override
    public void close() throws OrtException {
        session.close();
    }

    /** Builder for {@link OnnxRuntimeSession}. */
    public static final class Builder {
        private byte[] bytes;
        private Path file;
        private int threads = 1;

        private Builder() {}

        /**
         * Sets the model as serialized bytes (this or {@link #setModelFile} is required).
         *
         * @param model the ONNX model
         * @return this builder
         */
        public Builder setModel(byte[] model) {
            this.bytes = model;
            return this;
        }

        /**
         * Sets the model file (this or {@link #setModel} is required).
         *
         * @param model the .onnx file
         * @return this builder
         */
        public Builder setModelFile(Path model) {
            this.file = model;
            return this;
        }

        /**
         * Sets the intra-op threads (default 1, the benchmark's setting; 0: ONNX Runtime's default,
         * one per physical core).
         *
         * @param threads threads, or 0
         * @return this builder
         */
        public Builder optIntraOpThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * Opens the session.
         *
         * @return the session
         * @throws OrtException when ONNX Runtime refuses the model
         */
        public OnnxRuntimeSession build() throws OrtException {
            if ((bytes == null) == (file == null)) {
                throw new IllegalArgumentException(
                        "OnnxRuntimeSession: set exactly one of model bytes or model file");
            }
            if (threads < 0) {
                throw new IllegalArgumentException(
                        "intraOpThreads must be >= 0 (0: ONNX Runtime's default) but was "
                                + threads);
            }
            return new OnnxRuntimeSession(this);
        }
    }

    /**
     * Applies {@link #SPINNING_PROPERTY} to session options.
     *
     * @param options the options of a session about to be created
     * @throws OrtException if ONNX Runtime refuses the setting
     */
    public static void applySpinning(OrtSession.SessionOptions options) throws OrtException {
        if (!Boolean.parseBoolean(System.getProperty(SPINNING_PROPERTY, "true"))) {
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
        }
    }

    /**
     * New session options with {@link #SPINNING_PROPERTY} applied.
     *
     * @return options the caller closes
     * @throws OrtException if ONNX Runtime refuses the setting
     */
    public static OrtSession.SessionOptions newOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            applySpinning(options);
            return options;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
    }
}
