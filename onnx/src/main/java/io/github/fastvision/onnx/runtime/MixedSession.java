package io.github.fastvision.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.fastvision.core.pflayer.DeformablePoolKernel;
import io.github.fastvision.onnx.proto.OnnxProto.ModelProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Runs a {@link MixedPlan}: its ONNX segments as ONNX Runtime sessions (the options of {@link
 * OnnxRuntimeSession}) and its deformable pools with {@code DeformablePoolKernel.poolChannelsLast},
 * over one set of tensors per thread and batch size. Every value that crosses a cut lives in one
 * direct buffer wrapped once as an {@link OnnxTensor} (ONNX Runtime reads and writes it in place):
 * a segment writes its outputs into them ({@code OrtSession.run} with pinned outputs), the kernel
 * reads its input and offsets from them and writes its output into the buffer the next segment
 * reads. The only copies are the caller's input (written straight into the first buffer), the
 * kernel's copy of its input into a Java array (its inner loops read arrays, not buffers) and the
 * logits returned. The segments are ONNX Runtime's own optimized graphs with the plan's shortcuts
 * crossing in its blocked layout ({@link BlockedShortcuts}); they run on the environment's shared
 * intra-op pool when it has the threads asked for and the batch is below {@link
 * #OWN_POOLS_FROM_BATCH}, else on their own pools. Thread-safe: each thread has its own tensors.
 */
public final class MixedSession implements AutoCloseable {

    /**
     * System property that, set to {@code false}, makes the ONNX Runtime engine serve a model with
     * deformable pools through the pure ONNX export ({@code DeformablePoolExport}) instead of this
     * mixed path.
     */
    public static final String PROPERTY = "fastvision.onnxruntime.mixed";

    private final OrtEnvironment env;

    /**
     * Batch size from which a model on the shared pool runs its segments on their own pools: the
     * shared pool's worker spins through the kernel steps and takes its core from the kernel's
     * second thread, which costs more than waking the own pools' workers at each segment once the
     * kernel steps are long (on 2 threads the own pools lost at batch 8 and won from 16).
     */
    static final int OWN_POOLS_FROM_BATCH = 16;

    private final MixedPlan plan;
    private final int threads;
    private final boolean shared;
    private final Object[] steps;
    private volatile Object[] ownPoolSteps;
    private final int kernelThreads;
    private final ThreadLocal<Tensors> local = new ThreadLocal<>();
    private final ConcurrentLinkedQueue<Tensors> all = new ConcurrentLinkedQueue<>();

    private MixedSession(MixedPlan plan, int threads) throws OrtException {
        this.env = OrtEnvironments.shared();
        this.plan = plan;
        this.threads = threads;
        this.kernelThreads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        this.shared = sharesThreadPool(threads);
        this.steps = openSteps(shared);
    }

    /** One session per segment, on the shared pool or on their own pools, and the pool steps. */
    private Object[] openSteps(boolean onSharedPool) throws OrtException {
        BlockedShortcuts optimized = BlockedShortcuts.of(plan);
        Object[] chain = new Object[plan.steps().size()];
        try {
            int segment = 0;
            for (int i = 0; i < chain.length; i++) {
                MixedPlan.Step s = plan.steps().get(i);
                if (s instanceof MixedPlan.Segment) {
                    try (OrtSession.SessionOptions options =
                            OnnxRuntimeSession.sessionOptions(threads)) {
                        // The segments are optimized already, for this CPU.
                        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
                        if (onSharedPool) {
                            // Its workers keep spinning from one segment to the next (through the
                            // kernel steps too: session.force_spinning_stop stops only a session's
                            // own pool), so a segment starts without waking them.
                            options.disablePerSessionThreads();
                        } else if (threads != 1) {
                            // Own workers spin within the segment's run and stop at its end, so
                            // that the next segment's and the kernel's threads get the cores.
                            options.addConfigEntry("session.force_spinning_stop", "1");
                        }
                        chain[i] = env.createSession(optimized.segments().get(segment++), options);
                    }
                } else {
                    chain[i] = s;
                }
            }
        } catch (OrtException | RuntimeException e) {
            closeSessions(chain);
            throw e;
        }
        return chain;
    }

    /**
     * The steps for batch n: from {@link #OWN_POOLS_FROM_BATCH} on, a model on the shared pool runs
     * a second set of sessions on their own pools, opened on first use (the segments' weights are
     * then held twice).
     */
    private Object[] steps(int n) throws OrtException {
        if (!shared || n < OWN_POOLS_FROM_BATCH) {
            return steps;
        }
        Object[] own = ownPoolSteps;
        if (own == null) {
            synchronized (this) {
                own = ownPoolSteps;
                if (own == null) {
                    own = openSteps(false);
                    ownPoolSteps = own;
                }
            }
        }
        return own;
    }

    /**
     * Whether the segments run on the environment's one intra-op pool (below {@link
     * #OWN_POOLS_FROM_BATCH}): when it has the threads asked for (or any number, for 0).
     */
    private static boolean sharesThreadPool(int threads) {
        int pool = OrtEnvironments.globalThreads();
        return threads != 1 && pool > 0 && (threads == 0 || threads == pool);
    }

    /**
     * Returns whether mixed execution is enabled ({@link #PROPERTY}, default true).
     *
     * @return true unless the property is {@code false}
     */
    public static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "true"));
    }

    /**
     * Opens the sessions of a plan.
     *
     * @param plan the cut model
     * @param threads ONNX Runtime's intra-op threads and the kernel's (0: ONNX Runtime's default,
     *     and the machine's processors for the kernel)
     * @return the session
     * @throws OrtException when ONNX Runtime refuses a segment
     */
    public static MixedSession open(MixedPlan plan, int threads) throws OrtException {
        return new MixedSession(plan, threads);
    }

    /**
     * Cuts a serialized mixed export and opens it.
     *
     * @param model the serialized model ({@code MixedExport})
     * @param threads intra-op threads, see {@link #open(MixedPlan, int)}
     * @return the session
     * @throws OrtException when ONNX Runtime refuses a segment
     */
    public static MixedSession open(byte[] model, int threads) throws OrtException {
        try {
            return open(MixedPlan.of(ModelProto.parseFrom(model)), threads);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
        }
    }

    /**
     * Returns the plan.
     *
     * @return the steps and shapes
     */
    public MixedPlan plan() {
        return plan;
    }

    /**
     * Returns the output shape at batch 1.
     *
     * @return e.g. {1, classes}
     */
    public long[] outputShape() {
        return plan.shapes().get(plan.output()).clone();
    }

    /**
     * Runs the chain once.
     *
     * @param n the batch size
     * @param fill writes the input, row-major, from position 0 of a buffer of exactly its size
     * @return the output, row-major
     * @throws OrtException when ONNX Runtime fails
     */
    public float[] run(int n, Consumer<FloatBuffer> fill) throws OrtException {
        Object[] chain = steps(n);
        Tensors t = tensors(n);
        FloatBuffer in = t.buffers.get(plan.input());
        in.clear();
        fill.accept(in);
        if (in.position() != in.capacity()) {
            throw new IllegalArgumentException(
                    "the input of batch "
                            + n
                            + " needs "
                            + in.capacity()
                            + " values but "
                            + in.position()
                            + " were written");
        }
        for (int i = 0; i < chain.length; i++) {
            if (chain[i] instanceof OrtSession session) {
                try (OrtSession.Result r = session.run(t.inputs.get(i), t.outputs.get(i))) {
                    // The outputs are the pinned tensors; the result owns nothing.
                }
            } else {
                MixedPlan.Pool p = (MixedPlan.Pool) chain[i];
                long[] x = plan.shapes().get(p.input());
                // The input is channels-last: (N, H, W, C) -> {N, C, H, W}.
                int[] nchw = {n, (int) x[3], (int) x[1], (int) x[2]};
                DeformablePoolKernel.poolChannelsLast(
                        t.buffers.get(p.input()),
                        t.buffers.get(p.offsets()),
                        t.buffers.get(p.output()),
                        nchw,
                        p.kernel(),
                        p.stride(),
                        p.mode(),
                        p.modulated(),
                        kernelThreads);
            }
        }
        FloatBuffer out = t.buffers.get(plan.output());
        float[] values = new float[out.capacity()];
        out.get(0, values);
        return values;
    }

    /** This thread's tensors for batch n, made (and the previous batch size's freed) on change. */
    private Tensors tensors(int n) throws OrtException {
        if (n < 1) {
            throw new IllegalArgumentException("batch must be at least 1 but was " + n);
        }
        Tensors t = local.get();
        if (t != null && t.batch == n) {
            return t;
        }
        if (t != null) {
            all.remove(t);
            t.close();
        }
        t = new Tensors(n);
        local.set(t);
        all.add(t);
        return t;
    }

    /** One direct buffer and tensor per value that crosses a cut, and each segment's maps. */
    private final class Tensors implements AutoCloseable {
        final int batch;
        final Map<String, FloatBuffer> buffers = new HashMap<>();
        final Map<String, OnnxTensor> tensors = new HashMap<>();
        final List<Map<String, OnnxTensor>> inputs = new ArrayList<>();
        final List<Map<String, OnnxTensor>> outputs = new ArrayList<>();

        Tensors(int n) throws OrtException {
            batch = n;
            try {
                for (Map.Entry<String, long[]> e : plan.shapes().entrySet()) {
                    long[] shape = e.getValue().clone();
                    shape[0] = n;
                    long size = 1;
                    for (long d : shape) {
                        size = Math.multiplyExact(size, d);
                    }
                    FloatBuffer b =
                            ByteBuffer.allocateDirect(Math.toIntExact(size * Float.BYTES))
                                    .order(ByteOrder.nativeOrder())
                                    .asFloatBuffer();
                    buffers.put(e.getKey(), b);
                    tensors.put(e.getKey(), OnnxTensor.createTensor(env, b, shape));
                }
                for (MixedPlan.Step s : plan.steps()) {
                    Map<String, OnnxTensor> in = new HashMap<>();
                    Map<String, OnnxTensor> out = new HashMap<>();
                    if (s instanceof MixedPlan.Segment seg) {
                        seg.inputs().forEach(v -> in.put(v, tensors.get(v)));
                        seg.outputs().forEach(v -> out.put(v, tensors.get(v)));
                    }
                    inputs.add(in);
                    outputs.add(out);
                }
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            tensors.values().forEach(OnnxTensor::close);
            tensors.clear();
        }
    }

    private static void closeSessions(Object[] chain) throws OrtException {
        OrtException failure = null;
        for (Object s : chain) {
            if (s instanceof OrtSession session) {
                try {
                    session.close();
                } catch (OrtException e) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** {@inheritDoc} */
    @Override
    public void close() throws OrtException {
        for (Tensors t : all) {
            t.close();
        }
        all.clear();
        Object[] own = ownPoolSteps;
        try {
            closeSessions(steps);
        } finally {
            if (own != null) {
                closeSessions(own);
            }
        }
    }

    @Override
    public String toString() {
        return "MixedSession" + Arrays.toString(steps);
    }
}
