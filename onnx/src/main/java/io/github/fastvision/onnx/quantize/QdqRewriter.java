package io.github.fastvision.onnx.quantize;

import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.export.OnnxGraph;
import io.github.fastvision.onnx.export.OnnxGraph.Attr;
import io.github.fastvision.onnx.export.OnnxGraph.Initializer;
import io.github.fastvision.onnx.export.OnnxGraph.Node;
import io.github.fastvision.onnx.proto.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rewrites an fp32 graph into ONNX's QDQ form with the parameters ONNX Runtime's x86 integer
 * kernels need: activations uint8 with a zero point (asymmetric, from the calibrated range, which
 * always contains 0), convolution weights int8 per output channel with zero point 0 (symmetric),
 * matrix-product weights int8 per tensor (both in 7 bits, below), and convolution biases int32 at
 * the scale input scale × weight scale. Each quantized value gets a {@code QuantizeLinear →
 * DequantizeLinear} pair right after its producer, and its consumers read the dequantized copy;
 * ONNX Runtime then fuses the pairs around each op into integer kernels.
 */
final class QdqRewriter {

    /**
     * Weights use 7 of int8's bits (±63): ONNX Runtime's AVX2 u8·s8 kernels (CPUs without VNNI) sum
     * pairs of products in 16 bits, which full-range weights overflow (the tiny FasterNet's logits
     * moved by 15% instead of 5%, see docs/results/int8.md).
     */
    private static final int WEIGHT_LEVELS = 63;

    private static final int UINT8 = TensorProto.DataType.UINT8_VALUE;
    private static final int INT8 = TensorProto.DataType.INT8_VALUE;
    private static final int INT32 = TensorProto.DataType.INT32_VALUE;

    private final OnnxGraph graph;
    private final QdqPlan plan;
    private final Map<String, Calibration.Range> ranges;
    private final Map<String, float[]> params = new HashMap<>();
    private final Map<String, String> dequantized = new HashMap<>();
    private final Map<String, String> original = new HashMap<>();
    private final List<String> keptFp32 = new ArrayList<>();

    QdqRewriter(OnnxGraph graph, QdqPlan plan, Map<String, Calibration.Range> ranges) {
        this.graph = graph;
        this.plan = plan;
        this.ranges = ranges;
    }

    /** Scale and zero point of a calibrated value. */
    private float[] params(String value) {
        return params.computeIfAbsent(
                value,
                v -> {
                    Calibration.Range r = ranges.get(v);
                    float lo = Math.min(0f, r.min());
                    float hi = Math.max(0f, r.max());
                    float scale = (hi - lo) / 255f;
                    if (!(scale > 0) || !Float.isFinite(scale)) {
                        scale = 1f;
                    }
                    float zero = Math.max(0, Math.min(255, Math.round(-lo / scale)));
                    return new float[] {scale, zero};
                });
    }

    /**
     * Rewrites the graph in place.
     *
     * @return the compute nodes left in fp32 (operator and output), for the report
     */
    List<String> apply() {
        List<Node> out = new ArrayList<>();
        // The graph input is quantized before the first node reads it.
        quantize(OnnxExporter.INPUT, out);
        for (Node n : graph.nodes()) {
            Node rewired = rewire(n);
            out.add(quantizeWeights(rewired, out));
            for (String o : n.outputs()) {
                quantize(o, out);
            }
            if (QdqPlan.COMPUTE.contains(n.op())
                    && !plan.isQuantized(n.outputs().get(0))
                    && !anyInputQuantized(n)) {
                keptFp32.add(n.op() + " " + n.outputs().get(0));
            }
        }
        graph.nodes().clear();
        graph.nodes().addAll(out);
        // The float weights that integer ones replaced are no longer read.
        java.util.Set<String> read = new java.util.HashSet<>();
        out.forEach(n -> read.addAll(n.inputs()));
        graph.initializers().keySet().retainAll(read);
        return keptFp32;
    }

    private boolean anyInputQuantized(Node n) {
        return n.inputs().stream().anyMatch(dequantized::containsKey);
    }

    /**
     * Points a node's inputs at the dequantized copies of quantized values; a residual Add the plan
     * keeps in fp32 reads its identity input unrounded and only a convolution's or weight product's
     * output dequantized (that product stays an integer kernel).
     */
    private Node rewire(Node n) {
        List<String> in = new ArrayList<>(n.inputs().size());
        boolean changed = false;
        boolean fp32Residual = plan.fp32Residual(n);
        for (String i : n.inputs()) {
            String d = fp32Residual && !plan.fromSink(graph, i) ? null : dequantized.get(i);
            in.add(d == null ? i : d);
            changed |= d != null;
        }
        return changed ? new Node(n.op(), n.domain(), n.name(), in, n.outputs(), n.attrs()) : n;
    }

    /** Adds the Q/DQ pair of a quantized value. */
    private void quantize(String value, List<Node> out) {
        if (!plan.isQuantized(value)) {
            return;
        }
        float[] p = params(plan.source(value));
        String scale = graph.scalar(p[0]);
        String zero = uint8Scalar(value, (int) p[1]);
        String q = graph.fresh(value + "/q");
        String dq = graph.fresh(value + "/dq");
        out.add(
                new Node(
                        "QuantizeLinear",
                        "",
                        graph.nodeName("QuantizeLinear"),
                        List.of(value, scale, zero),
                        List.of(q),
                        List.of()));
        out.add(
                new Node(
                        "DequantizeLinear",
                        "",
                        graph.nodeName("DequantizeLinear"),
                        List.of(q, scale, zero),
                        List.of(dq),
                        List.of()));
        dequantized.put(value, dq);
        original.put(dq, value);
    }

    private String uint8Scalar(String value, int zero) {
        String name = graph.fresh(value + "/zero_point");
        graph.initializers()
                .put(
                        name,
                        new Initializer(
                                name, UINT8, new long[0], null, null, new byte[] {(byte) zero}));
        return name;
    }

    /** Replaces a Conv's or MatMul's float weight (and Conv bias) by integer ones and a DQ. */
    private Node quantizeWeights(Node n, List<Node> out) {
        boolean conv = n.op().equals("Conv");
        if (!conv && !n.op().equals("MatMul") || plan.keptLayers.contains(n.outputs().get(0))) {
            return n;
        }
        String x = n.inputs().get(0);
        Initializer w = graph.initializers().get(n.inputs().get(1));
        String source = original.get(x);
        if (source == null || w == null || w.floats() == null) {
            return n;
        }
        float inputScale = params(plan.source(source))[0];
        List<String> in = new ArrayList<>(n.inputs());
        if (conv) {
            int channels = (int) w.dims()[0];
            float[] scales = perChannelScales(w.floats(), channels);
            in.set(1, dequantize(out, w.name(), int8(w.floats(), scales), w.dims(), scales, 0));
            if (in.size() > 2) {
                Initializer b = graph.initializers().get(in.get(2));
                if (b != null && b.floats() != null) {
                    float[] bs = new float[channels];
                    int[] q = new int[channels];
                    for (int c = 0; c < channels; c++) {
                        bs[c] = inputScale * scales[c];
                        q[c] =
                                (int)
                                        Math.max(
                                                Integer.MIN_VALUE,
                                                Math.min(
                                                        Integer.MAX_VALUE,
                                                        Math.round(
                                                                (double) b.floats()[c] / bs[c])));
                    }
                    in.set(2, dequantizeInt32(out, b.name(), q, bs));
                }
            }
        } else {
            if (w.dims().length != 2) {
                return n;
            }
            float[] scales = {perChannelScales(w.floats(), 1)[0]};
            in.set(1, dequantize(out, w.name(), int8(w.floats(), scales), w.dims(), scales, -1));
        }
        return new Node(n.op(), n.domain(), n.name(), in, n.outputs(), n.attrs());
    }

    static float[] perChannelScales(float[] w, int channels) {
        int per = w.length / channels;
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            float max = 0;
            for (int i = c * per; i < (c + 1) * per; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            scales[c] = max > 0 ? max / WEIGHT_LEVELS : 1f;
        }
        return scales;
    }

    static byte[] int8(float[] w, float[] scales) {
        int per = w.length / scales.length;
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            q[i] =
                    (byte)
                            Math.max(
                                    -WEIGHT_LEVELS,
                                    Math.min(WEIGHT_LEVELS, Math.round(w[i] / scales[i / per])));
        }
        return q;
    }

    private String dequantize(
            List<Node> out, String weight, byte[] q, long[] dims, float[] scales, int axis) {
        String qName = graph.fresh(weight + "/int8");
        graph.initializers().put(qName, new Initializer(qName, INT8, dims, null, null, q));
        boolean perChannel = axis >= 0;
        long[] sd = perChannel ? new long[] {scales.length} : new long[0];
        String scale = graph.fresh(weight + "/scale");
        graph.initializers()
                .put(scale, new Initializer(scale, OnnxGraph.FLOAT, sd, scales, null, null));
        String zero = graph.fresh(weight + "/zero_point");
        graph.initializers()
                .put(zero, new Initializer(zero, INT8, sd, null, null, new byte[scales.length]));
        String dq = graph.fresh(weight + "/dq");
        out.add(
                new Node(
                        "DequantizeLinear",
                        "",
                        graph.nodeName("DequantizeLinear"),
                        List.of(qName, scale, zero),
                        List.of(dq),
                        perChannel ? List.of(Attr.i("axis", axis)) : List.of()));
        return dq;
    }

    private String dequantizeInt32(List<Node> out, String bias, int[] q, float[] scales) {
        ByteBuffer raw = ByteBuffer.allocate(q.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : q) {
            raw.putInt(v);
        }
        String qName = graph.fresh(bias + "/int32");
        long[] dims = {q.length};
        graph.initializers()
                .put(qName, new Initializer(qName, INT32, dims, null, null, raw.array()));
        String scale = graph.fresh(bias + "/scale");
        graph.initializers()
                .put(scale, new Initializer(scale, OnnxGraph.FLOAT, dims, scales, null, null));
        String zero = graph.fresh(bias + "/zero_point");
        graph.initializers()
                .put(zero, new Initializer(zero, INT32, dims, null, null, new byte[q.length * 4]));
        String dq = graph.fresh(bias + "/dq");
        out.add(
                new Node(
                        "DequantizeLinear",
                        "",
                        graph.nodeName("DequantizeLinear"),
                        List.of(qName, scale, zero),
                        List.of(dq),
                        List.of(Attr.i("axis", 0))));
        return dq;
    }
}
