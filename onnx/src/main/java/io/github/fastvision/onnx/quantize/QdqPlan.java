package io.github.fastvision.onnx.quantize;

import io.github.fastvision.onnx.export.OnnxExporter;
import io.github.fastvision.onnx.export.OnnxGraph;
import io.github.fastvision.onnx.export.OnnxGraph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which values of an fp32 graph become uint8 in its QDQ form, decided from the graph alone. ONNX
 * Runtime fuses {@code DequantizeLinear → op → QuantizeLinear} into one integer kernel only where
 * the op's output feeds just its {@code QuantizeLinear}, and absorbs a Relu or Clip that sits
 * between an op and a zero-point-0 quantization; so the output of a compute op is quantized, except
 * where its one consumer is such an activation (whose output is quantized instead). Data movement
 * and max pooling keep their input's scale, which lets ONNX Runtime drop their Q/DQ pairs. Ops with
 * no integer kernel (LayerNormalization, Softmax, Erf, GridSample, …) stay fp32 islands.
 */
final class QdqPlan {

    /** Ops whose outputs get their own calibrated range. */
    static final Set<String> COMPUTE =
            Set.of(
                    "Conv",
                    "MatMul",
                    "Gemm",
                    "Add",
                    "Mul",
                    "Relu",
                    "Clip",
                    "Gelu",
                    "Sigmoid",
                    "HardSigmoid",
                    "HardSwish",
                    "GlobalAveragePool",
                    "AveragePool",
                    "Concat");

    /** Ops whose outputs take their first input's quantization (no calibration). */
    static final Set<String> PASS =
            Set.of(
                    "MaxPool",
                    "Reshape",
                    "Transpose",
                    "Flatten",
                    "Squeeze",
                    "Unsqueeze",
                    "Split",
                    "Slice");

    /** Activations ONNX Runtime folds into the quantization of the op before them. */
    private static final Set<String> FOLDED = Set.of("Relu", "Clip");

    final Map<String, Node> producer = new HashMap<>();
    final Map<String, List<Node>> consumers = new HashMap<>();

    /** The graph's initializers (weights, biases, constants). */
    private final Set<String> constants;

    /** Values calibrated and quantized with their own range, in graph order. */
    final Set<String> calibrated = new LinkedHashSet<>();

    /** Quantized values that take another value's parameters: value → source value. */
    final Map<String, String> sameAs = new LinkedHashMap<>();

    /** Layers (outputs of convolutions and weight products) the user keeps in fp32. */
    final Set<String> keptLayers;

    /** Whether residual Adds keep their identity stream in fp32 (see {@link #fp32Residual}). */
    final boolean fp32Residuals;

    /**
     * Plans a graph's quantization.
     *
     * @param graph the fp32 graph
     * @param keptLayers layers (see {@link #layers}) whose weights and inputs stay fp32
     * @param fp32Residuals whether residual Adds read their identity stream in fp32
     */
    QdqPlan(OnnxGraph graph, Set<String> keptLayers, boolean fp32Residuals) {
        this.keptLayers = Set.copyOf(keptLayers);
        this.fp32Residuals = fp32Residuals;
        this.constants = Set.copyOf(graph.initializers().keySet());
        List<Node> nodes = graph.nodes();
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                producer.put(o, n);
            }
            for (String i : n.inputs()) {
                consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
            }
        }
        // Shape arithmetic (Shape → Gather → Concat → Reshape) is int64 and never quantized.
        Set<String> integer = new HashSet<>();
        graph.initializers()
                .values()
                .forEach(
                        t -> {
                            if (t.type() != OnnxGraph.FLOAT) {
                                integer.add(t.name());
                            }
                        });
        for (Node n : nodes) {
            boolean shapeOp = n.op().equals("Shape") || n.op().equals("Size");
            boolean intData = !n.inputs().isEmpty() && integer.contains(n.inputs().get(0));
            boolean intConcat =
                    n.op().equals("Concat") && n.inputs().stream().anyMatch(integer::contains);
            if (shapeOp || intData || intConcat) {
                integer.addAll(n.outputs());
            }
        }
        // A value is worth quantizing where a consumer reads it as int8: a convolution or a
        // product with a weight always does; an element-wise op, pool or data movement only when
        // its own output is quantized too (else it would run in fp32 between the pairs).
        Set<String> wanted = new HashSet<>();
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node n = nodes.get(k);
            boolean reads =
                    isSink(graph, n)
                            || ((COMPUTE.contains(n.op()) || PASS.contains(n.op()))
                                    && !activationProduct(graph, n)
                                    && !fp32Residual(n)
                                    && n.outputs().stream().anyMatch(wanted::contains));
            if (reads) {
                for (String i : n.inputs()) {
                    if (!integer.contains(i) && !graph.initializers().containsKey(i)) {
                        wanted.add(i);
                    }
                }
            }
        }
        if (wanted.contains(OnnxExporter.INPUT)) {
            calibrated.add(OnnxExporter.INPUT);
        }
        // A convolution or weight product reading int8 must also write int8, or ONNX Runtime
        // leaves it as DequantizeLinear → op in fp32; its output, or the Relu/Clip folded into it.
        Set<String> forced = new HashSet<>();
        for (Node n : nodes) {
            String out = n.outputs().get(0);
            if (integer.contains(out) || feedsOutput(out)) {
                continue;
            }
            if (COMPUTE.contains(n.op()) && !activationProduct(graph, n)) {
                boolean force = isSink(graph, n) && isQuantized(n.inputs().get(0));
                if (foldedIntoNext(out)) {
                    if (force) {
                        forced.add(consumers.get(out).get(0).outputs().get(0));
                    }
                } else if (wanted.contains(out) || force || forced.contains(out)) {
                    calibrated.add(out);
                }
            } else if (PASS.contains(n.op())) {
                String in = n.inputs().get(0);
                for (String o : n.outputs()) {
                    if (!wanted.contains(o)) {
                        continue;
                    }
                    if (isQuantized(in)) {
                        sameAs.put(o, source(in));
                    } else {
                        calibrated.add(o);
                    }
                }
            } else if (wanted.contains(out) && !n.op().equals("Constant")) {
                // An fp32 island (LayerNormalization, Softmax, …) feeding a convolution or weight
                // product: its output is quantized so that the product runs in int8.
                calibrated.add(out);
            }
        }
    }

    /**
     * The layers a user can keep in fp32: the outputs of the convolutions and weight products, in
     * graph order (their names are block paths, e.g. {@code
     * resnet50/stages_1/blocks_0/conv1/Conv}).
     *
     * @param graph the fp32 graph
     * @return the layer names
     */
    static List<String> layers(OnnxGraph graph) {
        List<String> layers = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (hasIntegerKernel(graph, n)) {
                layers.add(n.outputs().get(0));
            }
        }
        return layers;
    }

    /** A convolution or a product with a constant weight, quantized unless kept in fp32. */
    private boolean isSink(OnnxGraph graph, Node n) {
        return hasIntegerKernel(graph, n) && !keptLayers.contains(n.outputs().get(0));
    }

    /** A convolution or a product with a constant weight: it has an integer kernel. */
    private static boolean hasIntegerKernel(OnnxGraph graph, Node n) {
        return n.op().equals("Conv")
                || n.op().equals("Gemm")
                || (n.op().equals("MatMul") && !activationProduct(graph, n));
    }

    /** A MatMul of two activations (attention scores and their weighted sum). */
    private static boolean activationProduct(OnnxGraph graph, Node n) {
        return n.op().equals("MatMul") && !graph.initializers().containsKey(n.inputs().get(1));
    }

    /**
     * A residual Add (two activations, no constant) when the plan keeps the residual stream in
     * fp32: it writes fp32 and reads its identity input unrounded (see {@link QdqRewriter}); a
     * convolution or weight product feeding it still writes int8.
     */
    boolean fp32Residual(Node n) {
        return fp32Residuals
                && n.op().equals("Add")
                && n.inputs().size() == 2
                && n.inputs().stream().noneMatch(constants::contains);
    }

    /** Whether a value is produced by a convolution or weight product quantized by this plan. */
    boolean fromSink(OnnxGraph graph, String value) {
        Node p = producer.get(value);
        return p != null && isSink(graph, p);
    }

    /** Whether a value is quantized (calibrated, or passing on a quantized value). */
    boolean isQuantized(String value) {
        return calibrated.contains(value) || sameAs.containsKey(value);
    }

    /** The calibrated value whose parameters a quantized value uses. */
    String source(String value) {
        return sameAs.getOrDefault(value, value);
    }

    private boolean foldedIntoNext(String value) {
        List<Node> c = consumers.getOrDefault(value, List.of());
        return c.size() == 1 && FOLDED.contains(c.get(0).op());
    }

    /**
     * The logits stay fp32: the value the graph's output Identity copies is not quantized, nor the
     * product a classifier's bias is added to ({@code MatMul → Add(bias) → Identity}, how a Linear
     * head exports): quantizing that would put the logits on a uint8 grid.
     */
    private boolean feedsOutput(String value) {
        for (Node c : consumers.getOrDefault(value, List.of())) {
            if (c.op().equals("Identity") && c.outputs().get(0).equals(OnnxExporter.OUTPUT)) {
                return true;
            }
            if (c.op().equals("Add")
                    && c.inputs().size() == 2
                    && c.inputs().stream().anyMatch(constants::contains)
                    && feedsOutput(c.outputs().get(0))) {
                return true;
            }
        }
        return false;
    }
}
