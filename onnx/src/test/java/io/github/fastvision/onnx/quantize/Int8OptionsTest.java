package io.github.fastvision.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.proto.OnnxProto.GraphProto;
import io.github.fastvision.onnx.proto.OnnxProto.ModelProto;
import io.github.fastvision.onnx.proto.OnnxProto.NodeProto;
import io.github.fastvision.onnx.proto.OnnxProto.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quantizer's options against fp32 as the reference: layers kept in fp32 by pattern, entropy
 * calibration and bias correction (tiny variants, random weights, 32×32 images).
 */
class Int8OptionsTest {

    private static final int SIZE = 32;

    /** A model, its fp32 export and calibration batches. */
    private record Fixture(VisionModel model, byte[] fp32, List<float[]> batches) {}

    private static Fixture fixture(String name, NDManager m) {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        VisionModel model =
                ModelRegistry.create(
                        name, ModelOptions.builder().setNumClasses(10).optInputSize(SIZE).build());
        model.initialize(m, DataType.FLOAT32, model.inputShape(1));
        byte[] fp32 = OnnxExporter.builder().setModel(model).build().toBytes();
        List<float[]> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            batches.add(Int8QuantizerTest.images(8, b));
        }
        return new Fixture(model, fp32, batches);
    }

    private static double relativeError(float[] want, float[] got) {
        double norm = 0;
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            norm += want[i] * want[i];
            diff += (want[i] - got[i]) * (want[i] - got[i]);
        }
        return Math.sqrt(diff / norm);
    }

    /**
     * A Linear head exports as {@code MatMul → Add(bias) → Identity(logits)}: the product must stay
     * fp32 as the logits do. Quantized, it put the logits on a uint8 grid whose step on a trained
     * resnet50_hybrid (logits in −712..395) was 4.3, and int8 top-1 fell from 70.4% to 43.2%.
     */
    @Test
    void theProductBeforeTheClassifierBiasIsNotQuantized() throws Exception {
        for (String name : List.of("test_resnet_hybrid", "test_vit")) {
            try (NDManager m = NDManager.newBaseManager("PyTorch")) {
                Fixture f = fixture(name, m);
                Int8Quantizer.Result r =
                        Int8Quantizer.quantize(
                                f.model(), f.batches(), QuantizationMethod.MINMAX, Map.of());
                GraphProto g = ModelProto.parseFrom(r.onnx()).getGraph();
                Map<String, NodeProto> producer = new HashMap<>();
                g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
                NodeProto identity = producer.get(OnnxExporter.OUTPUT);
                assertEquals("Identity", identity.getOpType(), name);
                NodeProto add = producer.get(identity.getInput(0));
                assertEquals("Add", add.getOpType(), name + ": the head ends in its bias Add");
                NodeProto matmul = producer.get(add.getInput(0));
                assertEquals("MatMul", matmul.getOpType(), name);
                for (NodeProto n : g.getNodeList()) {
                    assertTrue(
                            !(n.getOpType().equals("QuantizeLinear")
                                    && n.getInput(0).equals(matmul.getOutput(0))),
                            name + ": the head's product " + matmul.getOutput(0) + " is quantized");
                }
                // Its input and weights stay int8: the head still reads a quantized value.
                assertEquals("DequantizeLinear", producer.get(matmul.getInput(0)).getOpType());
                assertEquals("DequantizeLinear", producer.get(matmul.getInput(1)).getOpType());
            }
        }
    }

    @Test
    void keptLayersStayFp32AndAPatternNamingNoLayerIsRefused() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Fixture f = fixture("test_resnet", m);
            List<String> layers = Int8Quantizer.layers(f.model());
            assertTrue(layers.size() > 3, "layers " + layers);
            String first = layers.get(0);
            Int8Quantizer.Result r =
                    Int8Quantizer.quantize(
                            f.model(),
                            f.batches(),
                            Int8Quantizer.Options.of(QuantizationMethod.MINMAX)
                                    .withKeepFp32(List.of(first)),
                            Map.of());
            assertEquals(List.of(first), r.keptLayers());
            GraphProto g = ModelProto.parseFrom(r.onnx()).getGraph();
            Map<String, String> producer = new HashMap<>();
            Map<String, TensorProto> initializers = new HashMap<>();
            g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
            int int8Convs = 0;
            int convs = 0;
            for (NodeProto n : g.getNodeList()) {
                n.getOutputList().forEach(o -> producer.put(o, n.getOpType()));
            }
            for (NodeProto n : g.getNodeList()) {
                if (!n.getOpType().equals("Conv")) {
                    continue;
                }
                convs++;
                String weight = n.getInput(1);
                if (n.getOutput(0).equals(first)) {
                    TensorProto w = initializers.get(weight);
                    assertTrue(w != null, "the kept conv's weight is not an initializer");
                    assertEquals(TensorProto.DataType.FLOAT_VALUE, w.getDataType());
                } else if ("DequantizeLinear".equals(producer.get(weight))) {
                    int8Convs++;
                }
            }
            assertEquals(convs - 1, int8Convs, "convolutions with int8 weights");

            // Every layer kept: nothing reads int8, so nothing is quantized and fp32 is matched.
            Int8Quantizer.Result all =
                    Int8Quantizer.quantize(
                            f.model(),
                            f.batches(),
                            Int8Quantizer.Options.of(QuantizationMethod.MINMAX)
                                    .withKeepFp32(List.of("*")),
                            Map.of());
            assertEquals(layers, all.keptLayers());
            assertEquals(0, all.quantizedValues());
            float[] x = Int8QuantizerTest.images(8, 77);
            float[] want = Int8QuantizerTest.run(f.fp32(), x, 8, null);
            assertTrue(relativeError(want, Int8QuantizerTest.run(all.onnx(), x, 8, null)) < 1e-5);

            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    Int8Quantizer.quantize(
                                            f.model(),
                                            f.batches(),
                                            Int8Quantizer.Options.of(QuantizationMethod.MINMAX)
                                                    .withKeepFp32(List.of("no_such_layer*")),
                                            Map.of()));
            assertTrue(e.getMessage().contains("--keep-fp32"), e.getMessage());
            assertTrue(e.getMessage().contains("no_such_layer*"), e.getMessage());
            assertTrue(e.getMessage().contains(first), e.getMessage());
        }
    }

    /** Operator counts of the graph ONNX Runtime runs. */
    private static Map<String, Integer> optimizedOps(byte[] onnx, java.nio.file.Path file)
            throws Exception {
        Int8QuantizerTest.run(onnx, Int8QuantizerTest.images(2, 5), 2, file);
        Map<String, Integer> ops = new HashMap<>();
        for (NodeProto n :
                ModelProto.parseFrom(java.nio.file.Files.readAllBytes(file))
                        .getGraph()
                        .getNodeList()) {
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        return ops;
    }

    @Test
    void fp32ResidualsKeepTheStreamUnroundedAndTheConvolutionsInt8(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Fixture f = fixture("test_resnet", m);
            Int8Quantizer.Options plain = Int8Quantizer.Options.of(QuantizationMethod.MINMAX);
            Int8Quantizer.Result rounded =
                    Int8Quantizer.quantize(f.model(), f.batches(), plain, Map.of());
            Int8Quantizer.Result stream =
                    Int8Quantizer.quantize(
                            f.model(), f.batches(), plain.withFp32Residuals(true), Map.of());
            // Each residual Add reads the fp32 values themselves, except a convolution's output,
            // which it reads dequantized (that convolution stays an integer kernel).
            GraphProto g = ModelProto.parseFrom(stream.onnx()).getGraph();
            Map<String, NodeProto> producer = new HashMap<>();
            java.util.Set<String> constants = new java.util.HashSet<>();
            g.getInitializerList().forEach(t -> constants.add(t.getName()));
            g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> producer.put(o, n)));
            int residuals = 0;
            int identities = 0;
            for (NodeProto n : g.getNodeList()) {
                if (!n.getOpType().equals("Add")
                        || n.getInputList().stream().anyMatch(constants::contains)) {
                    continue;
                }
                residuals++;
                boolean identity = false;
                for (String in : n.getInputList()) {
                    NodeProto p = producer.get(in);
                    if (p.getOpType().equals("DequantizeLinear")) {
                        NodeProto q = producer.get(p.getInput(0));
                        assertEquals(
                                "Conv",
                                producer.get(q.getInput(0)).getOpType(),
                                n.getName() + " reads a rounded " + q.getInput(0));
                    } else {
                        identity = true;
                    }
                }
                identities += identity ? 1 : 0;
            }
            assertTrue(residuals >= 2, "residual Adds: " + residuals);
            assertTrue(identities >= 1, "no residual Add reads an fp32 identity");
            // An Add of two convolutions (a downsampling block) may stay an integer kernel: both
            // its inputs are int8 anyway.
            // ONNX Runtime: the Adds with an fp32 identity leave the int8 chain, every convolution
            // stays an integer kernel.
            Map<String, Integer> before = optimizedOps(rounded.onnx(), tmp.resolve("r.onnx"));
            Map<String, Integer> after = optimizedOps(stream.onnx(), tmp.resolve("s.onnx"));
            assertEquals(residuals, before.get("QLinearAdd"), "rounded stream: " + before);
            // (An Add of two convolutions whose output the next block reads as its fp32 identity
            // runs in fp32 too.)
            assertTrue(after.getOrDefault("Add", 0) >= identities, "fp32 stream: " + after);
            assertTrue(
                    after.getOrDefault("QLinearAdd", 0) <= residuals - identities,
                    "fp32 stream: " + after);
            assertEquals(before.get("QLinearConv"), after.get("QLinearConv"), after.toString());
            // And the logits stay closer to fp32 than with the stream rounded at every block.
            float[] x = Int8QuantizerTest.images(32, 321);
            float[] want = Int8QuantizerTest.run(f.fp32(), x, 32, null);
            double e0 = relativeError(want, Int8QuantizerTest.run(rounded.onnx(), x, 32, null));
            double e1 = relativeError(want, Int8QuantizerTest.run(stream.onnx(), x, 32, null));
            System.out.printf(
                    "test_resnet: relative L2 error, stream rounded %.4f, stream fp32 %.4f%n",
                    e0, e1);
            assertTrue(e1 < e0, "fp32 residual stream " + e0 + " -> " + e1);
        }
    }

    /** Counts of values drawn from a standard normal, plus a few far outliers at +40. */
    private static long[] histogram(int bins, float lo, float hi, boolean outliers) {
        Random r = new Random(1);
        long[] h = new long[bins];
        for (int i = 0; i < 200_000; i++) {
            double v = Math.abs(r.nextGaussian());
            h[Math.min(bins - 1, (int) ((v - lo) / (hi - lo) * bins))]++;
        }
        if (outliers) {
            h[bins - 1] += 3;
        }
        return h;
    }

    @Test
    void entropyClipsRareOutliersAndKeepsADenseRange() {
        // A ReLU-like value: |N(0, 1)| with three outliers at 40; MinMax would take [0, 40].
        Calibration.Range clipped = Calibration.entropy(histogram(4096, 0, 40, true), 0, 40);
        assertEquals(0f, clipped.min(), 1e-6);
        assertTrue(clipped.max() < 8, "entropy kept the outliers: " + clipped);
        assertTrue(clipped.max() > 2, "entropy clipped the bulk of the values: " + clipped);
        // Without far outliers (the histogram spans the values' own range) little is clipped.
        long[] dense = new long[4096];
        for (int i = 0; i < dense.length; i++) {
            dense[i] = 100;
        }
        Calibration.Range uniform = Calibration.entropy(dense, -1, 3);
        assertTrue(uniform.min() < -0.9 && uniform.max() > 2.7, "uniform clipped: " + uniform);
    }

    @Test
    void entropyCalibratedModelStaysCloseToFp32() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Fixture f = fixture("test_resnet_hybrid", m);
            Int8Quantizer.Result r =
                    Int8Quantizer.quantize(
                            f.model(), f.batches(), QuantizationMethod.ENTROPY, Map.of());
            float[] x = Int8QuantizerTest.images(16, 99);
            double error =
                    relativeError(
                            Int8QuantizerTest.run(f.fp32(), x, 16, null),
                            Int8QuantizerTest.run(r.onnx(), x, 16, null));
            System.out.printf("test_resnet_hybrid entropy: relative L2 error %.4f%n", error);
            assertTrue(error <= 0.2, "relative L2 error " + error);
        }
    }

    @Test
    void biasCorrectionReducesTheErrorAgainstFp32() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (String name : List.of("test_rexnet", "test_convnext", "test_fasternet")) {
                Fixture f = fixture(name, m);
                Int8Quantizer.Options plain =
                        Int8Quantizer.Options.of(QuantizationMethod.MINMAX)
                                .withBiasCorrection(false);
                Int8Quantizer.Result without =
                        Int8Quantizer.quantize(f.model(), f.batches(), plain, Map.of());
                Int8Quantizer.Result with =
                        Int8Quantizer.quantize(
                                f.model(), f.batches(), plain.withBiasCorrection(true), Map.of());
                float[] x = Int8QuantizerTest.images(32, 123);
                float[] want = Int8QuantizerTest.run(f.fp32(), x, 32, null);
                double e0 = relativeError(want, Int8QuantizerTest.run(without.onnx(), x, 32, null));
                double e1 = relativeError(want, Int8QuantizerTest.run(with.onnx(), x, 32, null));
                System.out.printf(
                        "%s: relative L2 error without bias correction %.4f, with %.4f (%d"
                                + " biases)%n",
                        name, e0, e1, with.biasCorrected());
                assertTrue(with.biasCorrected() > 0, name + ": no bias corrected");
                assertEquals(0, without.biasCorrected());
                assertTrue(e1 < e0, name + ": bias correction " + e0 + " -> " + e1);
            }
        }
    }

    /** Top-1 against labels: the fp32 model's own classes of the images. */
    private static Sensitivity.Evaluator agreement(float[] x, int n, int[] labels) {
        return onnx -> {
            try {
                float[] logits = Int8QuantizerTest.run(onnx, x, n, null);
                return agreementOf(logits, labels);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static int[] argmax(float[] logits, int n) {
        int classes = logits.length / n;
        int[] best = new int[n];
        for (int i = 0; i < n; i++) {
            for (int k = 1; k < classes; k++) {
                if (logits[i * classes + k] > logits[i * classes + best[i]]) {
                    best[i] = k;
                }
            }
        }
        return best;
    }

    private static double agreementOf(float[] logits, int[] labels) {
        int[] got = argmax(logits, labels.length);
        int same = 0;
        for (int i = 0; i < labels.length; i++) {
            same += got[i] == labels[i] ? 1 : 0;
        }
        return same / (double) labels.length;
    }

    @Test
    void sensitivityKeepsTheCostliestLayersUntilWithinBudget() throws Exception {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Fixture f = fixture("test_resnet", m);
            int n = 64;
            float[] x = Int8QuantizerTest.images(n, 2024);
            int[] labels = argmax(Int8QuantizerTest.run(f.fp32(), x, n, null), n);
            Sensitivity.Evaluator eval = agreement(x, n, labels);
            Int8Quantizer.Options options = Int8Quantizer.Options.of(QuantizationMethod.MINMAX);
            Sensitivity.Result r =
                    Sensitivity.search(
                            f.model(), f.batches(), options, new Sensitivity.Budget(0, eval));
            System.out.printf(
                    "test_resnet sensitivity: agreement %.3f -> %.3f, kept %s of %d measured%n",
                    r.int8Top1Before(), r.int8Top1(), r.kept(), r.measured().size());
            assertEquals(1.0, r.fp32Top1(), 1e-12);
            assertTrue(r.int8Top1Before() < 1.0, "int8 already agrees everywhere: no pass to test");
            assertEquals(1.0, r.int8Top1(), 1e-12, "the drop is not within the budget");
            assertTrue(
                    (r.fp32Residuals() || !r.kept().isEmpty())
                            && r.kept().size() <= r.measured().size());
            for (int i = 0; i < r.kept().size(); i++) {
                assertEquals(r.measured().get(i).layer(), r.kept().get(i), "greedy order");
            }
            for (int i = 1; i < r.measured().size(); i++) {
                assertTrue(r.measured().get(i - 1).top1() >= r.measured().get(i).top1());
            }
            // The kept layers, quantized again, give what the pass reported.
            Int8Quantizer.Result again =
                    Int8Quantizer.quantize(
                            f.model(),
                            f.batches(),
                            options.withKeepLayers(r.kept()).withFp32Residuals(r.fp32Residuals()),
                            Map.of());
            assertEquals(r.kept(), again.keptLayers());
            assertEquals(r.int8Top1(), eval.top1(again.onnx()), 1e-12);
        }
    }
}
