package io.github.fastvision.onnx.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.runtime.EngineProvider;
import io.github.fastvision.models.runtime.EngineSession;
import io.github.fastvision.models.runtime.EngineUnavailableException;
import io.github.fastvision.models.runtime.RuntimeRequest;
import io.github.fastvision.onnx.proto.OnnxProto.ModelProto;
import io.github.fastvision.onnx.proto.OnnxProto.StringStringEntryProto;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX Runtime engine: fastvision's own ONNX export of the model (cached beside the weights,
 * see {@link ZooExports}) in an {@link OnnxRuntimeSession}; a model with deformable pools runs
 * mixed ({@link MixedSession}: ONNX Runtime segments, fastvision's kernel for the pools) unless
 * int8 or {@link MixedSession#PROPERTY} is false. Registered for {@link java.util.ServiceLoader} in
 * {@code META-INF/services}.
 */
public final class OnnxRuntimeEngineProvider implements EngineProvider {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeEngineProvider.class);

    /** {@inheritDoc} */
    @Override
    public InferenceEngine engine() {
        return InferenceEngine.ONNX_RUNTIME;
    }

    /** {@inheritDoc} */
    @Override
    public EngineSession open(RuntimeRequest request) throws IOException {
        ModelInfo info = request.info();
        if (info.kind() != ModelInfo.Kind.CLASSIFIER) {
            throw new EngineUnavailableException(
                    info.name()
                            + " is a "
                            + info.kind()
                            + " model and has no ONNX export, so it cannot run on OnnxRuntime;"
                            + " use the PyTorch engine (--engine PyTorch)");
        }
        if (request.int8() == null
                && MixedSession.enabled()
                && ZooExports.hasDeformablePools(info, request.options())) {
            return openMixed(request);
        }
        OnnxRuntimeSession session;
        try {
            session =
                    request.int8() != null
                            ? int8(request)
                            : request.weights() == null
                                    ? OnnxRuntimeSession.builder()
                                            .setModel(
                                                    ZooExports.export(
                                                            info,
                                                            request.options(),
                                                            null,
                                                            request.features(),
                                                            Map.of()))
                                            .optIntraOpThreads(request.threads())
                                            .build()
                                    : cached(request);
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "ONNX Runtime refused the export of " + info.name() + ": " + e.getMessage(), e);
        }
        try {
            TensorInfo out = (TensorInfo) session.outputInfo();
            return new Session(session, request, (int) out.getShape()[1], request.int8() != null);
        } catch (OrtException | RuntimeException e) {
            closeQuietly(session);
            throw new IllegalStateException(
                    "cannot read the output of " + info.name() + "'s export: " + e.getMessage(), e);
        }
    }

    /**
     * A model with deformable pools: ONNX Runtime runs its convolution segments and fastvision's
     * kernel its pools ({@link MixedSession}), from the cached mixed export when its key matches.
     */
    private static EngineSession openMixed(RuntimeRequest r) throws IOException {
        ModelInfo info = r.info();
        MixedSession mixed;
        try {
            if (r.weights() == null) {
                mixed =
                        MixedSession.open(
                                ZooExports.exportMixed(
                                        info, r.options(), null, r.features(), Map.of()),
                                r.threads());
            } else {
                mixed = cachedMixed(r);
            }
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "ONNX Runtime refused the mixed export of "
                            + info.name()
                            + ": "
                            + e.getMessage(),
                    e);
        }
        return new MixedEngineSession(mixed, info.name());
    }

    private static MixedSession cachedMixed(RuntimeRequest r) throws IOException, OrtException {
        String key = ZooExports.cacheKey(r.info(), r.options(), r.weights(), r.features());
        Path file = ZooExports.cacheFile(r.weights(), r.options(), r.features(), key, true);
        if (Files.isRegularFile(file)) {
            try {
                ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
                boolean matches = false;
                for (StringStringEntryProto e : model.getMetadataPropsList()) {
                    matches |= ZooExports.CACHE_KEY.equals(e.getKey()) && key.equals(e.getValue());
                }
                if (matches && MixedPlan.isMixed(model)) {
                    return MixedSession.open(MixedPlan.of(model), r.threads());
                }
                LOG.info("{} was exported from other weights or options; exporting again", file);
            } catch (IOException | OrtException | RuntimeException e) {
                LOG.info("{} is not a usable export ({}); exporting again", file, e.getMessage());
            }
        }
        return MixedSession.open(exportToCache(r, key, file, true), r.threads());
    }

    /** A {@link MixedSession} as an engine session. */
    private static final class MixedEngineSession implements EngineSession {
        private final MixedSession session;
        private final String model;
        private final int outputs;

        MixedEngineSession(MixedSession session, String model) {
            this.session = session;
            this.model = model;
            this.outputs = (int) session.outputShape()[1];
        }

        @Override
        public int outputs() {
            return outputs;
        }

        @Override
        public float[] run(int n, Consumer<FloatBuffer> fill) {
            return ort(model, () -> session.run(n, fill));
        }

        @Override
        public void close() {
            closeOrt(model, session::close);
        }
    }

    /** A call into ONNX Runtime. */
    private interface OrtCall<T> {
        T call() throws OrtException;
    }

    /** A closing call into ONNX Runtime. */
    private interface OrtClose {
        void close() throws OrtException;
    }

    /** Runs an inference call, naming the model when ONNX Runtime fails. */
    private static <T> T ort(String model, OrtCall<T> call) {
        try {
            return call.call();
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "ONNX Runtime failed on " + model + ": " + e.getMessage(), e);
        }
    }

    private static void closeOrt(String model, OrtClose close) {
        try {
            close.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the session of " + model, e);
        }
    }

    /** The cached export when its key matches, else a fresh export written to the cache. */
    private static OnnxRuntimeSession cached(RuntimeRequest r) throws IOException, OrtException {
        String key = ZooExports.cacheKey(r.info(), r.options(), r.weights(), r.features());
        Path file = ZooExports.cacheFile(r.weights(), r.options(), r.features(), key);
        if (Files.isRegularFile(file)) {
            OnnxRuntimeSession s = null;
            try {
                s =
                        OnnxRuntimeSession.builder()
                                .setModelFile(file)
                                .optIntraOpThreads(r.threads())
                                .build();
                if (key.equals(s.metadata().get(ZooExports.CACHE_KEY))) {
                    return s;
                }
                LOG.info("{} was exported from other weights or options; exporting again", file);
            } catch (OrtException | RuntimeException e) {
                LOG.info("{} is not a usable export ({}); exporting again", file, e.getMessage());
            }
            closeQuietly(s);
        }
        return OnnxRuntimeSession.builder()
                .setModel(exportToCache(r, key, file, false))
                .optIntraOpThreads(r.threads())
                .build();
    }

    /**
     * Exports the model (pure ONNX, or for mixed execution) with its cache key and writes it to the
     * cache file, atomically.
     */
    private static byte[] exportToCache(RuntimeRequest r, String key, Path file, boolean mixed)
            throws IOException {
        Map<String, String> metadata = Map.of(ZooExports.CACHE_KEY, key);
        byte[] onnx =
                mixed
                        ? ZooExports.exportMixed(
                                r.info(), r.options(), r.weights(), r.features(), metadata)
                        : ZooExports.export(
                                r.info(), r.options(), r.weights(), r.features(), metadata);
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.writePath(file, tmp -> Files.write(tmp, onnx));
        } catch (IOException | RuntimeException e) {
            // The cache only saves time: a model that cannot be cached still runs.
            LOG.warn(
                    "cannot cache the export of {} at {}: {}", r.info().name(), file, e.toString());
        }
        return onnx;
    }

    /** The int8 model {@code quantize} wrote, refused when it is not of these weights. */
    private static OnnxRuntimeSession int8(RuntimeRequest r) throws IOException, OrtException {
        String key = ZooExports.cacheKey(r.info(), r.options(), r.weights(), r.features());
        OnnxRuntimeSession s =
                OnnxRuntimeSession.builder()
                        .setModelFile(r.int8())
                        .optIntraOpThreads(r.threads())
                        .build();
        if (!key.equals(s.metadata().get(ZooExports.INT8_OF))) {
            closeQuietly(s);
            throw new IllegalArgumentException(
                    r.int8()
                            + " was not quantized from "
                            + r.weights()
                            + " at input size "
                            + r.options().inputSize()
                            + "; run `fastvision quantize` again (or use precision fp32)");
        }
        return s;
    }

    private static void closeQuietly(OnnxRuntimeSession s) {
        if (s != null) {
            try {
                s.close();
            } catch (OrtException e) {
                LOG.debug("closing a session failed", e);
            }
        }
    }

    private static final class Session implements EngineSession {
        private final OnnxRuntimeSession session;
        private final String model;
        private final long channels;
        private final long size;
        private final int outputs;
        private final boolean int8;

        Session(OnnxRuntimeSession session, RuntimeRequest request, int outputs, boolean int8) {
            this.int8 = int8;
            this.session = session;
            this.model = request.info().name();
            this.channels = request.options().inChannels();
            this.size = request.options().inputSize();
            this.outputs = outputs;
        }

        @Override
        public int outputs() {
            return outputs;
        }

        @Override
        public String precision() {
            return int8 ? "int8" : "fp32";
        }

        @Override
        public float[] run(int n, Consumer<FloatBuffer> fill) {
            return ort(model, () -> session.run(new long[] {n, channels, size, size}, fill))
                    .values();
        }

        @Override
        public void close() {
            closeOrt(model, session::close);
        }
    }
}
