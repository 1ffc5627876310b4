package io.github.fastvision.onnx.quantize;

import ai.onnxruntime.OrtException;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.onnx.export.OnnxExporter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The sensitivity pass: when int8 top-1 falls more than a budget below fp32's, the residual stream
 * is tried in fp32 first ({@link Int8Quantizer.Options#fp32Residuals}: one choice for the whole
 * network, kept when it recovers accuracy, since the stream's rounding adds up over the blocks
 * while each block alone hardly matters); then each layer is measured alone in fp32 (the rest
 * int8), and the layers whose fp32 form recovers the most are kept in fp32 one at a time, measuring
 * again after each, until the drop is within the budget. Every candidate reuses one calibration:
 * the pass runs the calibration graph once, not once per layer.
 */
public final class Sensitivity {

    private Sensitivity() {}

    /** Top-1 of a model on held-out images. */
    @FunctionalInterface
    public interface Evaluator {
        /**
         * Measures a model.
         *
         * @param onnx the model, fp32 or int8
         * @return its top-1 accuracy in [0, 1]
         * @throws OrtException when ONNX Runtime refuses it
         */
        double top1(byte[] onnx) throws OrtException;
    }

    /**
     * The accuracy budget.
     *
     * @param maxDropPoints how many top-1 points int8 may lose against fp32
     * @param evaluator measures a model on held-out images
     */
    public record Budget(double maxDropPoints, Evaluator evaluator) {}

    /**
     * One layer's measurement.
     *
     * @param layer the layer
     * @param top1 int8 top-1 with only this layer in fp32
     */
    public record LayerTop1(String layer, double top1) {}

    /**
     * What the pass found.
     *
     * @param fp32Top1 top-1 of the fp32 model
     * @param int8Top1Before top-1 of the int8 model before the pass
     * @param int8Top1 top-1 of the int8 model with {@code kept} in fp32
     * @param fp32Residuals whether {@code int8Top1} was measured with the residual stream in fp32
     *     (asked for in the options, or chosen by the pass)
     * @param kept the layers the pass keeps in fp32, in the order it added them
     * @param measured every layer's measurement, the most recovering first (empty when the drop was
     *     within the budget before the layers were measured)
     */
    public record Result(
            double fp32Top1,
            double int8Top1Before,
            double int8Top1,
            boolean fp32Residuals,
            List<String> kept,
            List<LayerTop1> measured) {}

    /**
     * Runs the pass.
     *
     * @param model an initialized zoo classifier
     * @param batches calibration batches
     * @param options the quantization without the pass (its kept layers stay kept)
     * @param budget the budget and the evaluator
     * @return the layers to keep and the measurements
     * @throws OrtException when ONNX Runtime refuses a graph
     */
    public static Result search(
            Backbone model, List<float[]> batches, Int8Quantizer.Options options, Budget budget)
            throws OrtException {
        double fp32 =
                budget.evaluator().top1(OnnxExporter.builder().setModel(model).build().toBytes());
        Calibration.Memo memo = new Calibration.Memo(batches, options.method());
        Int8Quantizer.Result base = Int8Quantizer.quantize(model, options, Map.of(), memo);
        double before = budget.evaluator().top1(base.onnx());
        List<String> kept = new ArrayList<>();
        List<LayerTop1> measured = new ArrayList<>();
        double int8 = before;
        if (within(fp32, int8, budget)) {
            return new Result(fp32, before, int8, options.fp32Residuals(), kept, measured);
        }
        if (!options.fp32Residuals()) {
            Int8Quantizer.Options stream = options.withFp32Residuals(true);
            double top1 = budget.evaluator().top1(quantize(model, memo, stream, List.of()));
            if (top1 > int8) {
                options = stream;
                int8 = top1;
                if (within(fp32, int8, budget)) {
                    return new Result(fp32, before, int8, true, kept, measured);
                }
            }
        }
        for (String layer : base.layers()) {
            if (!base.keptLayers().contains(layer)) {
                byte[] onnx = quantize(model, memo, options, List.of(layer));
                measured.add(new LayerTop1(layer, budget.evaluator().top1(onnx)));
            }
        }
        measured.sort(Comparator.comparingDouble(LayerTop1::top1).reversed());
        for (LayerTop1 m : measured) {
            kept.add(m.layer());
            int8 = budget.evaluator().top1(quantize(model, memo, options, kept));
            if (within(fp32, int8, budget)) {
                break;
            }
        }
        return new Result(
                fp32,
                before,
                int8,
                options.fp32Residuals(),
                List.copyOf(kept),
                List.copyOf(measured));
    }

    private static byte[] quantize(
            Backbone model, Calibration.Memo memo, Int8Quantizer.Options options, List<String> more)
            throws OrtException {
        List<String> layers = new ArrayList<>(options.keepLayers());
        layers.addAll(more);
        return Int8Quantizer.quantize(model, options.withKeepLayers(layers), Map.of(), memo).onnx();
    }

    private static boolean within(double fp32, double int8, Budget budget) {
        return 100 * (fp32 - int8) <= budget.maxDropPoints() + 1e-9;
    }
}
