package io.github.fastvision.onnx.runtime;

import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.onnx.export.MixedExport;
import io.github.fastvision.onnx.proto.OnnxProto.AttributeProto;
import io.github.fastvision.onnx.proto.OnnxProto.GraphProto;
import io.github.fastvision.onnx.proto.OnnxProto.ModelProto;
import io.github.fastvision.onnx.proto.OnnxProto.NodeProto;
import io.github.fastvision.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.github.fastvision.onnx.proto.OnnxProto.TensorProto;
import io.github.fastvision.onnx.proto.OnnxProto.TensorShapeProto;
import io.github.fastvision.onnx.proto.OnnxProto.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model of the mixed export ({@link MixedExport}) cut at its {@value MixedExport#POOL_OP} nodes
 * into a chain of steps: ONNX segments, each a model of its own whose inputs are the values it
 * reads that are made outside it (the graph's input, an earlier segment's or a pool's output; a
 * residual shortcut crosses a pool, so a segment has several inputs and outputs) and whose outputs
 * are the values it makes that a later step or the graph's output reads; and deformable pools,
 * which the Java kernel runs. Every value that crosses a cut has a static shape from the export's
 * {@code value_info} (batch 1 here; each run scales the batch).
 *
 * <p>A 4-D value that one segment makes and a later segment reads, and no pool reads (a residual
 * shortcut across a pool), is a {@linkplain #shortcuts() shortcut}: only ONNX Runtime reads it, so
 * it may cross its cut in ONNX Runtime's own layout ({@link BlockedShortcuts}).
 */
public final class MixedPlan {

    /** One step of the chain. */
    public sealed interface Step permits Segment, Pool {}

    /**
     * An ONNX segment.
     *
     * @param model the serialized segment
     * @param inputs the values it reads from earlier steps (or the graph's input)
     * @param outputs the values later steps read
     */
    public record Segment(byte[] model, List<String> inputs, List<String> outputs)
            implements Step {}

    /**
     * A deformable pool run by the Java kernel.
     *
     * @param input the pool's input, (N, H, W, C) channels-last
     * @param offsets the offsets (and modulation logits), (N, 2·k² or 3·k², Ho, Wo)
     * @param output the pooled map, (N, Ho, Wo, C) channels-last
     * @param kernel the window size
     * @param stride the stride
     * @param mode max or avg
     * @param modulated whether the offsets carry modulation logits
     */
    public record Pool(
            String input,
            String offsets,
            String output,
            int kernel,
            int stride,
            Pool2d.Mode mode,
            boolean modulated)
            implements Step {}

    /**
     * Channels a shortcut must be a multiple of: every blocked-layout block size ONNX Runtime uses
     * (8 or 16 floats) divides it, so the blocked tensor has the plain tensor's size.
     */
    static final int SHORTCUT_CHANNELS = 16;

    private final List<Step> steps;
    private final Map<String, long[]> shapes;
    private final Set<String> shortcuts;
    private final String input;
    private final String output;

    private MixedPlan(
            List<Step> steps,
            Map<String, long[]> shapes,
            Set<String> shortcuts,
            String input,
            String output) {
        this.steps = List.copyOf(steps);
        this.shapes = shapes;
        this.shortcuts = Set.copyOf(shortcuts);
        this.input = input;
        this.output = output;
    }

    /**
     * Returns whether a model holds nodes that only the mixed runtime runs.
     *
     * @param model the model
     * @return true when some node is of {@link MixedExport#DOMAIN}
     */
    public static boolean isMixed(ModelProto model) {
        for (NodeProto n : model.getGraph().getNodeList()) {
            if (MixedExport.DOMAIN.equals(n.getDomain())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Cuts a mixed export into its steps.
     *
     * @param model a model from {@link MixedExport} (one float input, one output)
     * @return the plan
     * @throws IllegalArgumentException when the model is not one the plan can run (a value that
     *     crosses a cut has no shape, an unknown node of fastvision's domain, several inputs)
     */
    public static MixedPlan of(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> initializers = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        List<ValueInfoProto> graphInputs = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializers.containsKey(v.getName())) {
                graphInputs.add(v);
            }
        }
        if (graphInputs.size() != 1 || g.getOutputCount() != 1) {
            throw new IllegalArgumentException(
                    "a mixed model needs one input and one output but has "
                            + graphInputs.size()
                            + " and "
                            + g.getOutputCount());
        }
        Map<String, ValueInfoProto> infos = new HashMap<>();
        for (ValueInfoProto v : g.getValueInfoList()) {
            infos.put(v.getName(), v);
        }
        infos.put(graphInputs.get(0).getName(), graphInputs.get(0));
        infos.put(g.getOutput(0).getName(), g.getOutput(0));
        String output = g.getOutput(0).getName();

        List<NodeProto> nodes = g.getNodeList();
        // The last step index that reads each value (the graph's output: past the end).
        Map<String, Integer> lastUse = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).getInputList()) {
                lastUse.put(in, i);
            }
        }
        lastUse.put(output, nodes.size());
        Set<String> shortcuts = shortcuts(nodes, output, infos);

        List<Step> steps = new ArrayList<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        String input = graphInputs.get(0).getName();
        shapes.put(input, shape(infos, input));
        shapes.put(output, shape(infos, output));
        int begin = 0;
        for (int i = 0; i <= nodes.size(); i++) {
            boolean pool = i < nodes.size() && MixedExport.DOMAIN.equals(nodes.get(i).getDomain());
            if (!pool && i < nodes.size()) {
                continue;
            }
            if (i > begin) {
                steps.add(
                        segment(
                                model,
                                nodes,
                                begin,
                                i,
                                initializers,
                                infos,
                                lastUse,
                                shapes,
                                steps.size()));
            }
            if (pool) {
                steps.add(pool(nodes.get(i), infos, shapes));
            }
            begin = i + 1;
        }
        return new MixedPlan(steps, shapes, shortcuts, input, output);
    }

    private static Segment segment(
            ModelProto model,
            List<NodeProto> nodes,
            int begin,
            int end,
            Map<String, TensorProto> initializers,
            Map<String, ValueInfoProto> infos,
            Map<String, Integer> lastUse,
            Map<String, long[]> shapes,
            int index) {
        Set<String> produced = new HashSet<>();
        Set<String> inputs = new LinkedHashSet<>();
        Set<String> weights = new LinkedHashSet<>();
        List<String> outputs = new ArrayList<>();
        GraphProto.Builder graph = GraphProto.newBuilder().setName("segment_" + index);
        for (int i = begin; i < end; i++) {
            NodeProto n = nodes.get(i);
            for (String in : n.getInputList()) {
                if (in.isEmpty() || produced.contains(in)) {
                    continue;
                }
                if (initializers.containsKey(in)) {
                    weights.add(in);
                } else {
                    inputs.add(in);
                }
            }
            for (String out : n.getOutputList()) {
                produced.add(out);
                if (lastUse.getOrDefault(out, -1) >= end) {
                    outputs.add(out);
                }
            }
            graph.addNode(n);
        }
        for (String w : weights) {
            graph.addInitializer(initializers.get(w));
        }
        for (String in : inputs) {
            shapes.computeIfAbsent(in, v -> shape(infos, v));
            graph.addInput(infos.get(in));
        }
        for (String out : outputs) {
            shapes.computeIfAbsent(out, v -> shape(infos, v));
            graph.addOutput(infos.get(out));
        }
        ModelProto.Builder m =
                ModelProto.newBuilder()
                        .setIrVersion(model.getIrVersion())
                        .setProducerName(model.getProducerName())
                        .setProducerVersion(model.getProducerVersion())
                        .setGraph(graph);
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            if (!MixedExport.DOMAIN.equals(opset.getDomain())) {
                m.addOpsetImport(opset);
            }
        }
        return new Segment(m.build().toByteArray(), List.copyOf(inputs), List.copyOf(outputs));
    }

    /**
     * The 4-D values made by one segment and read by a later one but by no pool, whose channels are
     * a multiple of {@link #SHORTCUT_CHANNELS}.
     */
    private static Set<String> shortcuts(
            List<NodeProto> nodes, String output, Map<String, ValueInfoProto> infos) {
        Map<String, Integer> madeIn = new HashMap<>();
        Set<String> readByPool = new HashSet<>();
        Set<String> crossing = new LinkedHashSet<>();
        int segment = 0;
        for (NodeProto n : nodes) {
            if (MixedExport.DOMAIN.equals(n.getDomain())) {
                readByPool.addAll(n.getInputList());
                segment++;
                continue;
            }
            for (String in : n.getInputList()) {
                Integer made = madeIn.get(in);
                if (made != null && made < segment) {
                    crossing.add(in);
                }
            }
            for (String out : n.getOutputList()) {
                madeIn.put(out, segment);
            }
        }
        crossing.removeAll(readByPool);
        crossing.remove(output);
        crossing.removeIf(
                v -> {
                    ValueInfoProto info = infos.get(v);
                    if (info == null) {
                        return true;
                    }
                    TensorShapeProto shape = info.getType().getTensorType().getShape();
                    return shape.getDimCount() != 4
                            || !shape.getDim(1).hasDimValue()
                            || shape.getDim(1).getDimValue() % SHORTCUT_CHANNELS != 0;
                });
        return crossing;
    }

    private static Pool pool(
            NodeProto n, Map<String, ValueInfoProto> infos, Map<String, long[]> shapes) {
        if (!MixedExport.POOL_OP.equals(n.getOpType())
                || n.getInputCount() != 2
                || n.getOutputCount() != 1) {
            throw new IllegalArgumentException(
                    "unknown node "
                            + n.getDomain()
                            + "."
                            + n.getOpType()
                            + " ("
                            + n.getName()
                            + ") with "
                            + n.getInputCount()
                            + " inputs and "
                            + n.getOutputCount()
                            + " outputs; the mixed runtime runs "
                            + MixedExport.POOL_OP
                            + "(x, offsets)");
        }
        Map<String, AttributeProto> attrs = new HashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            attrs.put(a.getName(), a);
        }
        for (String v : List.of(n.getInput(0), n.getInput(1), n.getOutput(0))) {
            shapes.computeIfAbsent(v, k -> shape(infos, k));
        }
        String mode = attrs.containsKey("mode") ? attrs.get("mode").getS().toStringUtf8() : "max";
        return new Pool(
                n.getInput(0),
                n.getInput(1),
                n.getOutput(0),
                (int) attrs.get("kernel").getI(),
                (int) attrs.get("stride").getI(),
                "avg".equals(mode) ? Pool2d.Mode.AVG : Pool2d.Mode.MAX,
                attrs.containsKey("modulated") && attrs.get("modulated").getI() != 0);
    }

    private static long[] shape(Map<String, ValueInfoProto> infos, String value) {
        ValueInfoProto v = infos.get(value);
        if (v == null || !v.getType().getTensorType().hasShape()) {
            throw new IllegalArgumentException(
                    "value "
                            + value
                            + " crosses a cut of the mixed model but the model gives no shape for"
                            + " it (value_info)");
        }
        List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            TensorShapeProto.Dimension d = dims.get(i);
            if (i == 0 ? d.hasDimValue() && d.getDimValue() != 1 : !d.hasDimValue()) {
                throw new IllegalArgumentException(
                        "value "
                                + value
                                + " has shape "
                                + dims
                                + "; the mixed runtime needs a batch first and static sizes after"
                                + " it");
            }
            shape[i] = i == 0 ? 1 : d.getDimValue();
        }
        return shape;
    }

    /**
     * Returns the steps in execution order.
     *
     * @return the steps
     */
    public List<Step> steps() {
        return steps;
    }

    /**
     * Returns the shape at batch 1 of every value that crosses a cut, the graph's input and output.
     *
     * @return value to shape
     */
    public Map<String, long[]> shapes() {
        return java.util.Collections.unmodifiableMap(shapes);
    }

    /**
     * Returns the shortcuts: 4-D values, with channels a multiple of {@link #SHORTCUT_CHANNELS},
     * that one segment makes and later segments read, and no pool reads.
     *
     * @return the values' names
     */
    public Set<String> shortcuts() {
        return shortcuts;
    }

    /**
     * Returns the graph's input.
     *
     * @return its name
     */
    public String input() {
        return input;
    }

    /**
     * Returns the graph's output.
     *
     * @return its name
     */
    public String output() {
        return output;
    }
}
