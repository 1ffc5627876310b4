package io.github.fastvision.onnx.quantize;

import ai.onnxruntime.OrtException;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.export.OnnxGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Post-training int8 quantization of a zoo classifier into a QDQ ONNX graph that ONNX Runtime runs
 * with its integer kernels: fastvision's own fp32 export, GELU fused ({@link GeluFusion}), the
 * values to quantize chosen from the graph ({@link QdqPlan}), their ranges calibrated on real
 * images ({@link Calibration}) and the graph rewritten ({@link QdqRewriter}).
 */
public final class Int8Quantizer {

    private Int8Quantizer() {}

    /**
     * What quantization produced.
     *
     * @param onnx the int8 model
     * @param method the calibration method
     * @param quantizedValues values carried as uint8
     * @param keptFp32 compute nodes left in fp32 (operator and output value)
     * @param calibrationSeconds wall time of the calibration
     */
    public record Result(
            byte[] onnx,
            QuantizationMethod method,
            int quantizedValues,
            List<String> keptFp32,
            double calibrationSeconds) {}

    /**
     * Quantizes a model.
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
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("calibration needs at least one image");
        }
        OnnxExporter exporter =
                OnnxExporter.builder().setModel(model).optMetadata(metadata).build();
        OnnxGraph graph = exporter.toGraph();
        GeluFusion.apply(graph);
        QdqPlan plan = new QdqPlan(graph);
        int c = model.getOptions().inChannels();
        int s = model.getOptions().inputSize();
        long start = System.nanoTime();
        Map<String, Calibration.Range> ranges =
                Calibration.run(
                        exporter,
                        new ArrayList<>(plan.calibrated),
                        batches,
                        new long[] {c, s, s},
                        method);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> kept = new QdqRewriter(graph, plan, ranges).apply();
        return new Result(
                exporter.encode(graph),
                method,
                plan.calibrated.size() + plan.sameAs.size(),
                kept,
                seconds);
    }
}
