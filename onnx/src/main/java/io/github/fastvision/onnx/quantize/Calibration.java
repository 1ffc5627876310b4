package io.github.fastvision.onnx.quantize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.export.OnnxGraph;
import io.github.fastvision.onnx.runtime.OrtEnvironments;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the range of every value to be quantized: the fp32 graph with those values as extra outputs
 * runs on ONNX Runtime over the calibration batches. MinMax needs one pass; Percentile a second one
 * that fills a histogram per value between the first pass's extremes.
 */
final class Calibration {

    /** Histogram bins per value for the percentile method. */
    private static final int BINS = 4096;

    /** The share of values beyond each end that the percentile method clips. */
    private static final double TAIL = 1e-5;

    private Calibration() {}

    /** A value's calibrated range. */
    record Range(float min, float max) {}

    /**
     * Calibrates.
     *
     * @param exporter the exporter of the fp32 model
     * @param values the values to calibrate
     * @param batches calibration input batches, each (n, C, S, S) row-major
     * @param shape the input shape of one image (C, S, S)
     * @param method how ranges are read
     * @return the range of each value
     * @throws OrtException when ONNX Runtime refuses the graph
     */
    static Map<String, Range> run(
            OnnxExporter exporter,
            List<String> values,
            List<float[]> batches,
            long[] shape,
            QuantizationMethod method)
            throws OrtException {
        OnnxGraph graph = exporter.toGraph();
        GeluFusion.apply(graph);
        for (String v : values) {
            if (!v.equals(OnnxExporter.INPUT)) {
                graph.outputAnyShape(v);
            }
        }
        byte[] model = exporter.encode(graph);
        Map<String, float[]> minMax = new LinkedHashMap<>();
        Map<String, long[]> histograms = new HashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            // No fusion: every calibrated value must exist as it does in the QDQ graph.
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = OrtEnvironments.shared().createSession(model, options)) {
                for (int pass = 0;
                        pass < (method == QuantizationMethod.PERCENTILE ? 2 : 1);
                        pass++) {
                    for (float[] batch : batches) {
                        long n = batch.length / (shape[0] * shape[1] * shape[2]);
                        try (OnnxTensor x =
                                        OnnxTensor.createTensor(
                                                OrtEnvironments.shared(),
                                                FloatBuffer.wrap(batch),
                                                new long[] {n, shape[0], shape[1], shape[2]});
                                OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT, x))) {
                            for (String v : values) {
                                FloatBuffer data =
                                        v.equals(OnnxExporter.INPUT)
                                                ? FloatBuffer.wrap(batch)
                                                : ((OnnxTensor) r.get(v).orElseThrow())
                                                        .getFloatBuffer();
                                if (pass == 0) {
                                    observe(minMax.computeIfAbsent(v, k -> extremes()), data);
                                } else {
                                    float[] m = minMax.get(v);
                                    count(
                                            histograms.computeIfAbsent(v, k -> new long[BINS]),
                                            data,
                                            m[0],
                                            m[1]);
                                }
                            }
                        }
                    }
                }
            }
        }
        Map<String, Range> ranges = new LinkedHashMap<>();
        for (String v : values) {
            float[] m = minMax.get(v);
            ranges.put(
                    v,
                    method == QuantizationMethod.PERCENTILE
                            ? percentiles(histograms.get(v), m[0], m[1])
                            : new Range(m[0], m[1]));
        }
        return ranges;
    }

    private static float[] extremes() {
        return new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    }

    private static void observe(float[] m, FloatBuffer data) {
        float lo = m[0];
        float hi = m[1];
        for (int i = data.position(); i < data.limit(); i++) {
            float v = data.get(i);
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
        }
        m[0] = lo;
        m[1] = hi;
    }

    private static void count(long[] bins, FloatBuffer data, float lo, float hi) {
        double width = (hi - lo) / BINS;
        for (int i = data.position(); i < data.limit(); i++) {
            int b = width > 0 ? (int) ((data.get(i) - lo) / width) : 0;
            bins[Math.max(0, Math.min(BINS - 1, b))]++;
        }
    }

    private static Range percentiles(long[] bins, float lo, float hi) {
        long total = 0;
        for (long b : bins) {
            total += b;
        }
        long tail = (long) Math.floor(total * TAIL);
        double width = (hi - lo) / BINS;
        int first = 0;
        for (long seen = 0; first < BINS - 1 && seen + bins[first] <= tail; first++) {
            seen += bins[first];
        }
        int last = BINS - 1;
        for (long seen = 0; last > 0 && seen + bins[last] <= tail; last--) {
            seen += bins[last];
        }
        return new Range((float) (lo + first * width), (float) (lo + (last + 1) * width));
    }
}
