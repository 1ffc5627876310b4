package io.github.fastvision.onnx.quantize;

import ai.onnxruntime.OrtException;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.export.OnnxGraph;
import io.github.fastvision.onnx.export.OnnxGraph.Initializer;
import io.github.fastvision.onnx.export.OnnxGraph.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Post-training int8 quantization of a zoo classifier into a QDQ ONNX graph that ONNX Runtime runs
 * with its integer kernels: fastvision's own fp32 export, GELU fused ({@link GeluFusion}), the
 * values to quantize chosen from the graph ({@link QdqPlan}), their ranges calibrated on real
 * images ({@link Calibration}), convolution biases corrected for the mean error of their int8
 * weights, and the graph rewritten ({@link QdqRewriter}).
 */
public final class Int8Quantizer {

    private Int8Quantizer() {}

    /**
     * How to quantize.
     *
     * @param method how activation ranges are read
     * @param keepFp32 layer-name patterns kept in fp32: globs ({@code *} is any run of characters)
     *     matched anywhere in a layer's name (see {@link #layers})
     * @param biasCorrection whether convolution biases absorb the mean error of int8 weights
     * @param requireMatches whether a pattern that names no layer is an error (false for a graph
     *     that is a part of the model the patterns were written for, such as its features)
     * @param keepLayers layers kept in fp32 by their exact name (the sensitivity pass's choice)
     * @param fp32Residuals whether residual Adds keep their identity stream in fp32: each block's
     *     convolutions still read the stream quantized, but the stream itself is not rounded to
     *     uint8 at every block (costlier: the Adds leave the int8 chain)
     */
    public record Options(
            QuantizationMethod method,
            List<String> keepFp32,
            boolean biasCorrection,
            boolean requireMatches,
            List<String> keepLayers,
            boolean fp32Residuals) {

        /** Copies the lists. */
        public Options {
            keepFp32 = List.copyOf(keepFp32);
            keepLayers = List.copyOf(keepLayers);
        }

        /**
         * The defaults for a method: nothing kept in fp32, bias correction on.
         *
         * @param method how activation ranges are read
         * @return the options
         */
        public static Options of(QuantizationMethod method) {
            return new Options(method, List.of(), true, true, List.of(), false);
        }

        /**
         * Returns these options with other fp32 patterns.
         *
         * @param patterns layer-name patterns
         * @return the options
         */
        public Options withKeepFp32(List<String> patterns) {
            return new Options(
                    method, patterns, biasCorrection, requireMatches, keepLayers, fp32Residuals);
        }

        /**
         * Returns these options with bias correction on or off.
         *
         * @param on whether to correct
         * @return the options
         */
        public Options withBiasCorrection(boolean on) {
            return new Options(method, keepFp32, on, requireMatches, keepLayers, fp32Residuals);
        }

        /**
         * Returns these options with unmatched patterns allowed or refused.
         *
         * @param required whether every pattern must name a layer
         * @return the options
         */
        public Options withRequireMatches(boolean required) {
            return new Options(
                    method, keepFp32, biasCorrection, required, keepLayers, fp32Residuals);
        }

        /**
         * Returns these options with other layers kept in fp32 by exact name.
         *
         * @param layers layer names (see {@link Int8Quantizer#layers})
         * @return the options
         */
        public Options withKeepLayers(List<String> layers) {
            return new Options(
                    method, keepFp32, biasCorrection, requireMatches, layers, fp32Residuals);
        }

        /**
         * Returns these options with the residual stream in fp32 or in uint8.
         *
         * @param on whether residual Adds keep their identity stream in fp32
         * @return the options
         */
        public Options withFp32Residuals(boolean on) {
            return new Options(method, keepFp32, biasCorrection, requireMatches, keepLayers, on);
        }
    }

    /**
     * What quantization produced.
     *
     * @param onnx the int8 model
     * @param method the calibration method
     * @param quantizedValues values carried as uint8
     * @param keptFp32 compute nodes left in fp32 (operator and output value)
     * @param layers every layer of the graph that can be kept in fp32, in graph order
     * @param keptLayers layers kept in fp32 (named by a {@code keepFp32} pattern or by name)
     * @param biasCorrected convolutions whose bias was corrected
     * @param calibrationSeconds wall time of the calibration
     */
    public record Result(
            byte[] onnx,
            QuantizationMethod method,
            int quantizedValues,
            List<String> keptFp32,
            List<String> layers,
            List<String> keptLayers,
            int biasCorrected,
            double calibrationSeconds) {}

    /**
     * Quantizes a model with bias correction and nothing kept in fp32.
     *
     * @param model an initialized zoo classifier (weights loaded, or the features head)
     * @param batches calibration batches of preprocessed images, each (n, C, S, S) row-major
     * @param method how activation ranges are read
     * @param metadata {@code metadata_props} of the int8 model
     * @return the int8 model and a report
     * @throws OrtException when ONNX Runtime refuses the calibration graph
     */
    public static Result quantize(
            Backbone model,
            List<float[]> batches,
            QuantizationMethod method,
            Map<String, String> metadata)
            throws OrtException {
        return quantize(model, batches, Options.of(method), metadata);
    }

    /**
     * Quantizes a model.
     *
     * @param model an initialized zoo classifier (weights loaded, or the features head)
     * @param batches calibration batches of preprocessed images, each (n, C, S, S) row-major
     * @param options method, layers kept in fp32, bias correction
     * @param metadata {@code metadata_props} of the int8 model
     * @return the int8 model and a report
     * @throws OrtException when ONNX Runtime refuses the calibration graph
     * @throws IllegalArgumentException when a {@code keepFp32} pattern names no layer
     */
    public static Result quantize(
            Backbone model, List<float[]> batches, Options options, Map<String, String> metadata)
            throws OrtException {
        return quantize(model, options, metadata, new Calibration.Memo(batches, options.method()));
    }

    /**
     * Quantizes a model, reading activation ranges through a memo of earlier calibrations of the
     * same model, batches and method.
     */
    static Result quantize(
            Backbone model, Options options, Map<String, String> metadata, Calibration.Memo memo)
            throws OrtException {
        if (memo.method() != options.method()) {
            throw new IllegalStateException(
                    "the memo was calibrated with " + memo.method() + ", not " + options.method());
        }
        OnnxExporter exporter =
                OnnxExporter.builder().setModel(model).optMetadata(metadata).build();
        OnnxGraph graph = exporter.toGraph();
        GeluFusion.apply(graph);
        List<String> layers = QdqPlan.layers(graph);
        List<String> kept = match(layers, options, model.getName());
        QdqPlan plan = new QdqPlan(graph, new LinkedHashSet<>(kept), options.fp32Residuals());
        Map<String, String> corrected =
                options.biasCorrection() ? correctable(graph, plan) : Map.of();
        int c = model.getOptions().inChannels();
        int s = model.getOptions().inputSize();
        long start = System.nanoTime();
        Calibration.Result calibration =
                memo.run(
                        exporter,
                        new ArrayList<>(plan.calibrated),
                        new long[] {c, s, s},
                        new LinkedHashSet<>(corrected.values()));
        double seconds = (System.nanoTime() - start) / 1e9;
        int biasCorrected = 0;
        for (Node n : graph.nodes()) {
            String out = n.outputs().get(0);
            if (corrected.containsKey(out)) {
                double[] mean = calibration.channelMeans().get(corrected.get(out));
                biasCorrected += correctBias(graph, n, mean) ? 1 : 0;
            }
        }
        List<String> keptFp32 = new QdqRewriter(graph, plan, calibration.ranges()).apply();
        return new Result(
                exporter.encode(graph),
                options.method(),
                plan.calibrated.size() + plan.sameAs.size(),
                keptFp32,
                layers,
                kept,
                biasCorrected,
                seconds);
    }

    /**
     * Lists the layers of a model that {@code keepFp32} patterns can name: its convolutions and
     * weight products, by the name of their output (a block path and the operator).
     *
     * @param model an initialized zoo classifier
     * @return the layer names, in graph order
     */
    public static List<String> layers(Backbone model) {
        OnnxGraph graph = OnnxExporter.builder().setModel(model).build().toGraph();
        GeluFusion.apply(graph);
        return QdqPlan.layers(graph);
    }

    /** The layers the options' patterns name; a pattern naming none is refused when required. */
    private static List<String> match(List<String> layers, Options options, String model) {
        Set<String> kept = new LinkedHashSet<>();
        for (String p : options.keepFp32()) {
            String glob = p.trim();
            if (glob.isEmpty()) {
                throw new IllegalArgumentException("--keep-fp32 has an empty pattern");
            }
            Pattern regex = glob(glob);
            List<String> hits = layers.stream().filter(l -> regex.matcher(l).find()).toList();
            if (hits.isEmpty() && options.requireMatches()) {
                throw new IllegalArgumentException(
                        "--keep-fp32 pattern '"
                                + glob
                                + "' names no layer of "
                                + model
                                + "; its "
                                + layers.size()
                                + " layers are named like "
                                + String.join(", ", layers.subList(0, Math.min(3, layers.size())))
                                + (layers.isEmpty()
                                        ? ""
                                        : ", …, " + layers.get(layers.size() - 1)));
            }
            kept.addAll(hits);
        }
        for (String layer : options.keepLayers()) {
            if (layers.contains(layer)) {
                kept.add(layer);
            } else if (options.requireMatches()) {
                throw new IllegalArgumentException(model + " has no layer named " + layer);
            }
        }
        return List.copyOf(kept);
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (regex.length() > 0 || glob.startsWith("*")) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    /**
     * The convolutions whose bias can be corrected (int8 weights, a float bias, quantized input),
     * by output, with the input whose channel means the correction needs.
     */
    private static Map<String, String> correctable(OnnxGraph graph, QdqPlan plan) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            if (!n.op().equals("Conv") || n.inputs().size() < 3) {
                continue;
            }
            Initializer w = graph.initializers().get(n.inputs().get(1));
            Initializer b = graph.initializers().get(n.inputs().get(2));
            String x = n.inputs().get(0);
            if (w != null
                    && w.floats() != null
                    && b != null
                    && b.floats() != null
                    && plan.isQuantized(x)
                    && !plan.keptLayers.contains(n.outputs().get(0))) {
                out.put(n.outputs().get(0), x);
            }
        }
        return out;
    }

    /**
     * Subtracts from a convolution's bias the mean of what its int8 weights add: per output
     * channel, the weight error (dequantized minus float) times its input channel's mean, summed
     * over the kernel. The mean ignores zero padding, a small error at the borders.
     */
    private static boolean correctBias(OnnxGraph graph, Node conv, double[] inputMean) {
        Initializer w = graph.initializers().get(conv.inputs().get(1));
        Initializer b = graph.initializers().get(conv.inputs().get(2));
        if (inputMean == null || w.dims().length != 4) {
            return false;
        }
        int out = (int) w.dims()[0];
        int perGroup = (int) w.dims()[1];
        int kernel = (int) (w.dims()[2] * w.dims()[3]);
        if (inputMean.length % perGroup != 0) {
            return false;
        }
        int groups = inputMean.length / perGroup;
        int outPerGroup = out / groups;
        float[] scales = QdqRewriter.perChannelScales(w.floats(), out);
        byte[] q = QdqRewriter.int8(w.floats(), scales);
        float[] bias = b.floats().clone();
        for (int c = 0; c < out; c++) {
            int g = c / outPerGroup;
            double shift = 0;
            for (int ci = 0; ci < perGroup; ci++) {
                double m = inputMean[g * perGroup + ci];
                int base = (c * perGroup + ci) * kernel;
                double error = 0;
                for (int k = base; k < base + kernel; k++) {
                    error += q[k] * scales[c] - w.floats()[k];
                }
                shift += error * m;
            }
            bias[c] -= (float) shift;
        }
        graph.initializers()
                .put(b.name(), new Initializer(b.name(), b.type(), b.dims(), bias, null, null));
        return true;
    }
}
