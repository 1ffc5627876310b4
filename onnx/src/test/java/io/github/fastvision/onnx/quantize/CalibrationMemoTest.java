package io.github.fastvision.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sensitivity pass calibrates once: a quantization that keeps more layers in fp32, read through
 * the memo of an earlier calibration, is byte for byte the one calibrated from scratch (the
 * reference), and the calibration graph did not run again.
 */
class CalibrationMemoTest {

    @Test
    void aMemoizedCalibrationQuantizesExactlyAsAFreshOne() throws Exception {
        for (QuantizationMethod method :
                List.of(QuantizationMethod.MINMAX, QuantizationMethod.PERCENTILE)) {
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                Engine.getEngine("PyTorch").setRandomSeed(3);
                VisionModel model =
                        ModelRegistry.create(
                                "test_fasternet",
                                ModelOptions.builder().setNumClasses(10).optInputSize(32).build());
                model.initialize(m, DataType.FLOAT32, model.inputShape(1));
                List<float[]> batches = new ArrayList<>();
                for (int b = 0; b < 2; b++) {
                    batches.add(Int8QuantizerTest.images(4, b));
                }
                Int8Quantizer.Options options = Int8Quantizer.Options.of(method);
                Calibration.Memo memo = new Calibration.Memo(batches, method);
                Int8Quantizer.Result base = Int8Quantizer.quantize(model, options, Map.of(), memo);
                assertEquals(1, memo.runs());
                assertArrayEquals(
                        Int8Quantizer.quantize(model, batches, options, Map.of()).onnx(),
                        base.onnx(),
                        method + ": the memo's first calibration is a fresh one");
                assertTrue(base.layers().size() > 3, base.layers().toString());
                for (String layer : List.of(base.layers().get(1), base.layers().get(3))) {
                    Int8Quantizer.Options keep = options.withKeepLayers(List.of(layer));
                    byte[] memoized = Int8Quantizer.quantize(model, keep, Map.of(), memo).onnx();
                    byte[] fresh = Int8Quantizer.quantize(model, batches, keep, Map.of()).onnx();
                    assertArrayEquals(fresh, memoized, method + " keeping " + layer);
                }
                assertEquals(1, memo.runs(), "every candidate read the first calibration");
                IllegalStateException e =
                        assertThrows(
                                IllegalStateException.class,
                                () ->
                                        Int8Quantizer.quantize(
                                                model,
                                                Int8Quantizer.Options.of(
                                                        method == QuantizationMethod.MINMAX
                                                                ? QuantizationMethod.ENTROPY
                                                                : QuantizationMethod.MINMAX),
                                                Map.of(),
                                                memo));
                assertTrue(e.getMessage().contains("calibrated with " + method), e.getMessage());
            }
        }
    }
}
