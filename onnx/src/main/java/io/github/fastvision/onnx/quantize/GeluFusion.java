package io.github.fastvision.onnx.quantize;

import io.github.fastvision.onnx.export.OnnxGraph;
import io.github.fastvision.onnx.export.OnnxGraph.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces the exporter's erf GELU ({@code x · (1 + erf(x / √2)) · 0.5}, five nodes) by ONNX
 * Runtime's one {@code com.microsoft.Gelu} node. ONNX Runtime fuses the pattern itself in an fp32
 * graph, but not once Q/DQ pairs sit between its nodes, so the quantizer fuses it first.
 */
final class GeluFusion {

    private GeluFusion() {}

    /**
     * Fuses every GELU of a graph in place.
     *
     * @param graph the fp32 graph
     * @return how many were fused
     */
    static int apply(OnnxGraph graph) {
        List<Node> nodes = graph.nodes();
        Map<String, Node> producer = new HashMap<>();
        Map<String, Integer> uses = new HashMap<>();
        for (Node n : nodes) {
            n.outputs().forEach(o -> producer.put(o, n));
            n.inputs().forEach(i -> uses.merge(i, 1, Integer::sum));
        }
        Set<Node> removed = new HashSet<>();
        Map<Node, Node> replaced = new HashMap<>();
        for (Node half : nodes) {
            // Mul(times, 0.5) ← Mul(x, onePlus) ← Add(erf, 1) ← Erf(scaled) ← Div(x, √2)
            if (!half.op().equals("Mul")) {
                continue;
            }
            Node times = producer.get(half.inputs().get(0));
            if (times == null
                    || !times.op().equals("Mul")
                    || uses.get(times.outputs().get(0)) != 1) {
                continue;
            }
            Node onePlus = producer.get(times.inputs().get(1));
            if (onePlus == null || !onePlus.op().equals("Add")) {
                continue;
            }
            Node erf = producer.get(onePlus.inputs().get(0));
            if (erf == null || !erf.op().equals("Erf")) {
                continue;
            }
            Node div = producer.get(erf.inputs().get(0));
            String x = times.inputs().get(0);
            if (div == null
                    || !div.op().equals("Div")
                    || !div.inputs().get(0).equals(x)
                    || !isScalar(graph, half.inputs().get(1), 0.5f)
                    || !isScalar(graph, onePlus.inputs().get(1), 1f)
                    || !isScalar(graph, div.inputs().get(1), (float) Math.sqrt(2))) {
                continue;
            }
            removed.add(div);
            removed.add(erf);
            removed.add(onePlus);
            removed.add(times);
            replaced.put(
                    half,
                    new Node(
                            "Gelu",
                            OnnxGraph.MICROSOFT,
                            graph.nodeName("Gelu"),
                            List.of(x),
                            half.outputs(),
                            List.of()));
        }
        List<Node> out = new ArrayList<>(nodes.size());
        for (Node n : nodes) {
            if (!removed.contains(n)) {
                out.add(replaced.getOrDefault(n, n));
            }
        }
        nodes.clear();
        nodes.addAll(out);
        // The pattern's constants (√2, 1, 0.5) are no longer read where nothing else reads them.
        Set<String> read = new HashSet<>();
        out.forEach(n -> read.addAll(n.inputs()));
        graph.initializers().keySet().retainAll(read);
        return replaced.size();
    }

    private static boolean isScalar(OnnxGraph graph, String name, float value) {
        OnnxGraph.Initializer t = graph.initializers().get(name);
        return t != null && t.floats() != null && t.floats().length == 1 && t.floats()[0] == value;
    }
}
