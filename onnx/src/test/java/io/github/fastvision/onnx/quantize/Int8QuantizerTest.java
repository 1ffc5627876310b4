package io.github.fastvision.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.proto.OnnxProto.ModelProto;
import io.github.fastvision.onnx.proto.OnnxProto.NodeProto;
import io.github.fastvision.onnx.runtime.OrtEnvironments;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per family (tiny variants): the int8 graph fuses as intended in ONNX Runtime's optimized graph
 * (no Conv, MatMul or Gemm still reads a DequantizeLinear output, so none runs as DQ → op → Q), and
 * its logits stay close to fp32's on inputs like the calibration images.
 */
class Int8QuantizerTest {

    private static final int SIZE = 32;

    @TempDir Path tmp;

    /** Smooth random images: blobs of colour, like photographs rather than white noise. */
    static float[] images(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 3 * SIZE * SIZE];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                double fx = 1 + r.nextInt(4);
                double fy = 1 + r.nextInt(4);
                double phase = r.nextDouble() * 6;
                for (int y = 0; y < SIZE; y++) {
                    for (int xx = 0; xx < SIZE; xx++) {
                        x[((i * 3 + c) * SIZE + y) * SIZE + xx] =
                                (float)
                                        (1.5
                                                        * Math.sin(fx * xx / SIZE * Math.PI + phase)
                                                        * Math.cos(fy * y / SIZE * Math.PI)
                                                + 0.1 * r.nextGaussian());
                    }
                }
            }
        }
        return x;
    }

    static float[] run(byte[] onnx, float[] x, int n, Path optimized) throws Exception {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (optimized != null) {
                o.setOptimizedModelFilePath(optimized.toString());
            }
            try (OrtSession s = OrtEnvironments.shared().createSession(onnx, o);
                    OnnxTensor t =
                            OnnxTensor.createTensor(
                                    OrtEnvironments.shared(),
                                    FloatBuffer.wrap(x),
                                    new long[] {n, 3, SIZE, SIZE});
                    OrtSession.Result r = s.run(Map.of(OnnxExporter.INPUT, t))) {
                FloatBuffer b = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                return out;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "test_fasternet",
                "test_resnet",
                "test_resnet_hybrid",
                "test_rexnet",
                "test_convnext",
                "test_vit",
                "test_vgg_cifar",
                "test_resnet_cifar"
            })
    void quantizedGraphFusesAndStaysCloseToFp32(String name) throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(3);
        byte[] fp32;
        Int8Quantizer.Result int8;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            VisionModel model =
                    ModelRegistry.create(
                            name,
                            ModelOptions.builder().setNumClasses(10).optInputSize(SIZE).build());
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            fp32 = OnnxExporter.builder().setModel(model).build().toBytes();
            List<float[]> batches = new ArrayList<>();
            for (int b = 0; b < 4; b++) {
                batches.add(images(8, b));
            }
            int8 = Int8Quantizer.quantize(model, batches, QuantizationMethod.MINMAX, Map.of());
        }
        float[] x = images(16, 99);
        Path optimized = tmp.resolve(name + ".int8.opt.onnx");
        float[] want = run(fp32, x, 16, null);
        float[] got = run(int8.onnx(), x, 16, optimized);
        List<NodeProto> nodes =
                ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList();
        Map<String, String> producer = new HashMap<>();
        Map<String, Integer> ops = new java.util.TreeMap<>();
        for (NodeProto n : nodes) {
            n.getOutputList().forEach(o -> producer.put(o, n.getOpType()));
            ops.merge(n.getOpType(), 1, Integer::sum);
        }
        // The classifier's product writes the fp32 logits, so ONNX Runtime runs it (fused with its
        // bias into a Gemm) on dequantized int8 values by design; every other product is int8.
        java.util.Set<String> logits = new java.util.HashSet<>(List.of(OnnxExporter.OUTPUT));
        for (NodeProto n : nodes) {
            if (n.getOpType().equals("Identity") && logits.contains(n.getOutput(0))) {
                logits.add(n.getInput(0));
            }
        }
        for (NodeProto n : nodes) {
            boolean head = n.getOpType().equals("Gemm") && logits.contains(n.getOutput(0));
            if (!head
                    && List.of("Conv", "MatMul", "Gemm", "FusedConv", "FusedMatMul")
                            .contains(n.getOpType())) {
                for (String i : n.getInputList()) {
                    assertTrue(
                            !"DequantizeLinear".equals(producer.get(i)),
                            name
                                    + ": "
                                    + n.getOpType()
                                    + " reads "
                                    + i
                                    + " from a DequantizeLinear: "
                                    + ops);
                }
            }
        }
        double norm = 0;
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            norm += want[i] * want[i];
            diff += (want[i] - got[i]) * (want[i] - got[i]);
        }
        double relative = Math.sqrt(diff / norm);
        System.out.printf(
                "%s: int8 vs fp32 relative L2 error %.4f; ops %s; kept fp32 %s%n",
                name, relative, ops, int8.keptFp32());
        assertTrue(relative <= 0.2, name + ": int8 logits' relative L2 error " + relative);
        assertEquals(want.length, got.length);
    }
}
