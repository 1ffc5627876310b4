package io.github.fastvision.onnx.quantize;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.export.OnnxGraph;
import io.github.fastvision.onnx.runtime.OnnxRuntimeSession;
import io.github.fastvision.onnx.runtime.OrtEnvironments;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the range of every value to be quantized: the fp32 graph with those values as extra outputs
 * runs on ONNX Runtime over the calibration batches. MinMax needs one pass; Percentile and Entropy
 * a second one that fills a histogram per value between the first pass's extremes. The first pass
 * also averages, per channel, the inputs of the convolutions whose bias is to be corrected.
 */
final class Calibration {

    /** Histogram bins per value for the percentile method. */
    private static final int BINS = 4096;

    /** The share of values beyond each end that the percentile method clips. */
    private static final double TAIL = 1e-5;

    private Calibration() {}

    /** Candidate clipping ranges the entropy method compares. */
    private static final int ENTROPY_STEPS = 128;

    /** Quantization levels of a uint8 activation. */
    private static final int LEVELS = 255;

    /** A value's calibrated range. */
    record Range(float min, float max) {}

    /**
     * What calibration read.
     *
     * @param ranges the range of each calibrated value
     * @param channelMeans the per-channel mean of each value asked for (NCHW, mean over N, H, W)
     */
    record Result(Map<String, Range> ranges, Map<String, double[]> channelMeans) {}

    /**
     * Calibration of one model on one list of batches with one method, remembered: a value's range
     * and channel means come from the fp32 graph alone, whatever else is quantized, so
     * quantizations that differ only in the layers kept in fp32 (the sensitivity pass) run the
     * calibration graph only for values not read before.
     */
    static final class Memo {

        private final List<float[]> batches;
        private final QuantizationMethod method;
        private final Map<String, Range> ranges = new HashMap<>();
        private final Map<String, double[]> means = new HashMap<>();
        private final Set<String> meansAsked = new LinkedHashSet<>();
        private int runs;

        /**
         * Starts an empty memo.
         *
         * @param batches the calibration batches every call reads, at least one
         * @param method how ranges are read
         * @throws IllegalArgumentException when there is no batch
         */
        Memo(List<float[]> batches, QuantizationMethod method) {
            if (batches.isEmpty()) {
                throw new IllegalArgumentException("calibration needs at least one image");
            }
            this.batches = batches;
            this.method = method;
        }

        /** The method every range of this memo was read with. */
        QuantizationMethod method() {
            return method;
        }

        /** How many times the calibration graph ran, for tests. */
        int runs() {
            return runs;
        }

        /**
         * Calibrates what was not read before, as {@link Calibration#run}.
         *
         * @param exporter the exporter of the fp32 model, the same model on every call
         * @param values the values to calibrate
         * @param shape the input shape of one image (C, S, S)
         * @param meanOf 4-D values whose per-channel means are wanted
         * @return the range of each value and the means
         * @throws OrtException when ONNX Runtime refuses the graph
         */
        Result run(OnnxExporter exporter, List<String> values, long[] shape, Set<String> meanOf)
                throws OrtException {
            List<String> newValues = new java.util.ArrayList<>();
            for (String v : values) {
                if (!ranges.containsKey(v)) {
                    newValues.add(v);
                }
            }
            Set<String> newMeans = new LinkedHashSet<>(meanOf);
            newMeans.removeAll(meansAsked);
            if (!newValues.isEmpty() || !newMeans.isEmpty()) {
                Result r = Calibration.run(exporter, newValues, batches, shape, method, newMeans);
                ranges.putAll(r.ranges());
                means.putAll(r.channelMeans());
                meansAsked.addAll(newMeans);
                runs++;
            }
            Map<String, Range> outRanges = new LinkedHashMap<>();
            for (String v : values) {
                outRanges.put(v, ranges.get(v));
            }
            Map<String, double[]> outMeans = new LinkedHashMap<>();
            for (String v : meanOf) {
                if (means.containsKey(v)) {
                    outMeans.put(v, means.get(v));
                }
            }
            return new Result(outRanges, outMeans);
        }
    }

    /**
     * Calibrates.
     *
     * @param exporter the exporter of the fp32 model
     * @param values the values to calibrate
     * @param batches calibration input batches, each (n, C, S, S) row-major
     * @param shape the input shape of one image (C, S, S)
     * @param method how ranges are read
     * @param meanOf 4-D values whose per-channel means are wanted
     * @return the range of each value and the means
     * @throws OrtException when ONNX Runtime refuses the graph
     */
    static Result run(
            OnnxExporter exporter,
            List<String> values,
            List<float[]> batches,
            long[] shape,
            QuantizationMethod method,
            Set<String> meanOf)
            throws OrtException {
        OnnxGraph graph = exporter.toGraph();
        GeluFusion.apply(graph);
        Set<String> outputs = new LinkedHashSet<>(values);
        outputs.addAll(meanOf);
        outputs.remove(OnnxExporter.INPUT);
        for (String v : outputs) {
            graph.outputAnyShape(v);
        }
        byte[] model = exporter.encode(graph);
        Map<String, float[]> minMax = new LinkedHashMap<>();
        Map<String, long[]> histograms = new HashMap<>();
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, Long> counts = new HashMap<>();
        try (OrtSession.SessionOptions options = OnnxRuntimeSession.newOptions()) {
            // No fusion: every calibrated value must exist as it does in the QDQ graph.
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = OrtEnvironments.shared().createSession(model, options)) {
                for (int pass = 0; pass < (method == QuantizationMethod.MINMAX ? 1 : 2); pass++) {
                    for (float[] batch : batches) {
                        long n = batch.length / (shape[0] * shape[1] * shape[2]);
                        try (OnnxTensor x =
                                        OnnxTensor.createTensor(
                                                OrtEnvironments.shared(),
                                                FloatBuffer.wrap(batch),
                                                new long[] {n, shape[0], shape[1], shape[2]});
                                OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT, x))) {
                            if (pass == 0) {
                                for (String v : meanOf) {
                                    OnnxTensor t =
                                            v.equals(OnnxExporter.INPUT)
                                                    ? x
                                                    : (OnnxTensor) r.get(v).orElseThrow();
                                    long[] dims = t.getInfo().getShape();
                                    if (dims.length == 4) {
                                        addChannelSums(v, t.getFloatBuffer(), dims, sums, counts);
                                    }
                                }
                            }
                            for (String v : values) {
                                FloatBuffer data =
                                        v.equals(OnnxExporter.INPUT)
                                                ? FloatBuffer.wrap(batch)
                                                : ((OnnxTensor) r.get(v).orElseThrow())
                                                        .getFloatBuffer();
                                if (pass == 0) {
                                    observe(minMax.computeIfAbsent(v, k -> extremes()), data);
                                } else {
                                    float[] m = histogramRange(minMax.get(v), method);
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
                    switch (method) {
                        case MINMAX -> new Range(m[0], m[1]);
                        case PERCENTILE -> percentiles(histograms.get(v), m[0], m[1]);
                        case ENTROPY -> {
                            float[] h = histogramRange(m, method);
                            yield entropy(histograms.get(v), h[0], h[1]);
                        }
                    });
        }
        Map<String, double[]> means = new LinkedHashMap<>();
        sums.forEach(
                (v, sum) -> {
                    double[] mean = new double[sum.length];
                    for (int c = 0; c < sum.length; c++) {
                        mean[c] = sum[c] / counts.get(v);
                    }
                    means.put(v, mean);
                });
        return new Result(ranges, means);
    }

    /**
     * The range a value's histogram spans: its extremes, and for the entropy method zero too, since
     * the uint8 grid always holds zero and the divergence must see the levels the grid has there.
     */
    private static float[] histogramRange(float[] minMax, QuantizationMethod method) {
        return method == QuantizationMethod.ENTROPY
                ? new float[] {Math.min(0f, minMax[0]), Math.max(0f, minMax[1])}
                : minMax;
    }

    private static void addChannelSums(
            String v,
            FloatBuffer data,
            long[] dims,
            Map<String, double[]> sums,
            Map<String, Long> counts) {
        int channels = (int) dims[1];
        int plane = (int) (dims[2] * dims[3]);
        double[] sum = sums.computeIfAbsent(v, k -> new double[channels]);
        int base = data.position();
        for (int n = 0; n < dims[0]; n++) {
            for (int c = 0; c < channels; c++) {
                double s = 0;
                int from = base + (n * channels + c) * plane;
                for (int i = from; i < from + plane; i++) {
                    s += data.get(i);
                }
                sum[c] += s;
            }
        }
        counts.merge(v, dims[0] * plane, Long::sum);
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

    /**
     * The entropy method: candidate ranges shrink the observed one towards zero in equal steps
     * (both ends together, so a one-sided value such as a ReLU's stays one-sided); for each, the
     * histogram clipped to it (outliers added to its end bins) is compared with the unclipped
     * counts quantized to 255 levels (each level's count spread evenly over the bins it merges that
     * were not empty), and the range of the smallest Kullback-Leibler divergence wins.
     */
    static Range entropy(long[] bins, float lo, float hi) {
        int n = bins.length;
        double width = (hi - lo) / (double) n;
        if (!(width > 0)) {
            return new Range(lo, hi);
        }
        // The bin boundary closest to zero, which every candidate range keeps inside.
        int zero = (int) Math.max(0, Math.min(n, Math.round(-lo / width)));
        double best = Double.POSITIVE_INFINITY;
        int bestFrom = 0;
        int bestTo = n;
        for (int step = ENTROPY_STEPS; step >= 1; step--) {
            double f = step / (double) ENTROPY_STEPS;
            int from = (int) Math.round(zero * (1 - f));
            int to = (int) Math.round(zero + (n - zero) * f);
            if (to - from < LEVELS) {
                break;
            }
            double kl = divergence(bins, from, to);
            if (kl < best) {
                best = kl;
                bestFrom = from;
                bestTo = to;
            }
        }
        return new Range((float) (lo + bestFrom * width), (float) (lo + bestTo * width));
    }

    /** KL(P || Q) of the histogram clipped to bins [from, to) and its 255-level copy. */
    private static double divergence(long[] bins, int from, int to) {
        int len = to - from;
        double[] p = new double[len];
        for (int i = 0; i < len; i++) {
            p[i] = bins[from + i];
        }
        for (int i = 0; i < from; i++) {
            p[0] += bins[i];
        }
        for (int i = to; i < bins.length; i++) {
            p[len - 1] += bins[i];
        }
        double[] q = new double[len];
        for (int level = 0; level < LEVELS; level++) {
            int a = (int) ((long) level * len / LEVELS);
            int b = (int) ((long) (level + 1) * len / LEVELS);
            // Q is built from the unclipped counts, so mass moved into the end bins costs KL.
            double sum = 0;
            int nonEmpty = 0;
            for (int i = a; i < b; i++) {
                sum += bins[from + i];
                nonEmpty += p[i] > 0 ? 1 : 0;
            }
            for (int i = a; i < b; i++) {
                q[i] = p[i] > 0 ? sum / nonEmpty : 0;
            }
        }
        double pTotal = 0;
        double qTotal = 0;
        for (int i = 0; i < len; i++) {
            pTotal += p[i];
            qTotal += q[i];
        }
        if (!(qTotal > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int i = 0; i < len; i++) {
            if (p[i] > 0) {
                double pi = p[i] / pTotal;
                // A level that kept none of P's mass gets a tiny share instead of a zero.
                double qi = Math.max(q[i] / qTotal, 1e-12);
                kl += pi * Math.log(pi / qi);
            }
        }
        return kl;
    }
}
