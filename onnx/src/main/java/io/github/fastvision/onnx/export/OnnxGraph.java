package io.github.fastvision.onnx.export;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph under construction: nodes in topological order (converters append them in execution
 * order), initializers and the graph's inputs and outputs; {@link #toModel} encodes the {@code
 * ModelProto}. Value names are unique; the batch dimension of inputs and outputs is the symbolic
 * {@code N}.
 *
 * <p>Field numbers are those of {@code onnx/onnx.proto} (ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto).
 */
public final class OnnxGraph {

    /** The symbolic batch dimension of the graph's inputs and outputs. */
    public static final String BATCH = "N";

    /** IR version 8: the version ONNX 1.12 writes for opset 17. */
    static final long IR_VERSION = 8;

    /** The domain of ONNX Runtime's contrib operators (Gelu, QLinear*). */
    public static final String MICROSOFT = "com.microsoft";

    public static final int FLOAT = 1;
    private static final int INT64 = 7;

    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Initializer> initializers = new LinkedHashMap<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final Map<String, Integer> used = new HashMap<>();
    private final Map<String, String> scalars = new HashMap<>();
    private int nodeCount;

    /** An attribute of a node. */
    public static final class Attr {
        private final ProtoWriter proto;

        private Attr(ProtoWriter proto) {
            this.proto = proto;
        }

        /**
         * An integer attribute.
         *
         * @param name the attribute name
         * @param value the value
         * @return the attribute
         */
        public static Attr i(String name, long value) {
            return new Attr(new ProtoWriter().string(1, name).int64(3, value).int64(20, 2));
        }

        /**
         * A float attribute.
         *
         * @param name the attribute name
         * @param value the value
         * @return the attribute
         */
        public static Attr f(String name, float value) {
            return new Attr(new ProtoWriter().string(1, name).float32(2, value).int64(20, 1));
        }

        /**
         * A string attribute.
         *
         * @param name the attribute name
         * @param value the value
         * @return the attribute
         */
        public static Attr s(String name, String value) {
            return new Attr(new ProtoWriter().string(1, name).string(4, value).int64(20, 3));
        }

        /**
         * An integer-list attribute.
         *
         * @param name the attribute name
         * @param values the values
         * @return the attribute
         */
        public static Attr ints(String name, long... values) {
            return new Attr(new ProtoWriter().string(1, name).packedInt64(8, values).int64(20, 7));
        }
    }

    /**
     * One node: operator, domain (empty for the default domain), input and output value names and
     * attributes.
     *
     * @param op the operator type
     * @param domain the operator set domain, empty for ONNX's own
     * @param name the node name
     * @param inputs input value names
     * @param outputs output value names
     * @param attrs attributes
     */
    public record Node(
            String op,
            String domain,
            String name,
            List<String> inputs,
            List<String> outputs,
            List<Attr> attrs) {

        /** Copies the lists. */
        public Node {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            attrs = List.copyOf(attrs);
        }
    }

    /**
     * A constant tensor: float32 ({@code floats}), int64 ({@code longs}) or raw bytes of another
     * element type ({@code raw}, with {@code type} the ONNX element type).
     *
     * @param name the value name
     * @param type the ONNX element type (1 float, 2 uint8, 3 int8, 6 int32, 7 int64)
     * @param dims the shape
     * @param floats float32 data, or null
     * @param longs int64 data, or null
     * @param raw little-endian data of other types, or null
     */
    public record Initializer(
            String name, int type, long[] dims, float[] floats, long[] longs, byte[] raw) {

        byte[] bytes() {
            return floats != null
                    ? ProtoWriter.littleEndian(floats)
                    : longs != null ? ProtoWriter.littleEndian(longs) : raw;
        }
    }

    /**
     * Returns a fresh value name built from a hint.
     *
     * @param hint a readable stem (a block path)
     * @return a name no other value has
     */
    public String fresh(String hint) {
        String stem = hint.isEmpty() ? "v" : hint;
        int n = used.merge(stem, 1, Integer::sum);
        return n == 1 ? stem : stem + "_" + n;
    }

    /**
     * Declares a float32 graph input whose first dimension is the batch.
     *
     * @param name the input name
     * @param dims the dimensions after the batch
     * @return the name
     */
    public String input(String name, long... dims) {
        used.merge(name, 1, Integer::sum);
        inputs.add(valueInfo(name, dims));
        return name;
    }

    /**
     * Declares a float32 graph output whose first dimension is the batch.
     *
     * @param name an existing value
     * @param dims the dimensions after the batch
     */
    public void output(String name, long... dims) {
        outputs.add(valueInfo(name, dims));
    }

    /**
     * Appends a node with one output.
     *
     * @param op the ONNX operator
     * @param hint the output name's stem
     * @param in the inputs (an empty string for an omitted optional input)
     * @param attrs the attributes
     * @return the output name
     */
    public String node(String op, String hint, List<String> in, Attr... attrs) {
        return nodeN(op, hint, 1, in, attrs).get(0);
    }

    /**
     * Appends a node with several outputs.
     *
     * @param op the ONNX operator
     * @param hint the output names' stem
     * @param count the number of outputs
     * @param in the inputs
     * @param attrs the attributes
     * @return the output names
     */
    public List<String> nodeN(String op, String hint, int count, List<String> in, Attr... attrs) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(fresh(hint + "/" + op));
        }
        nodes.add(new Node(op, "", op + "_" + nodeCount++, in, out, List.of(attrs)));
        return out;
    }

    /**
     * Copies a value to an exactly named one (the graph's output names).
     *
     * @param value the value
     * @param name the new name, not used before
     * @return the name
     */
    public String identity(String value, String name) {
        if (used.containsKey(name)) {
            throw new IllegalStateException("value name " + name + " is taken");
        }
        used.put(name, 1);
        nodes.add(
                new Node(
                        "Identity",
                        "",
                        "Identity_" + nodeCount++,
                        List.of(value),
                        List.of(name),
                        List.of()));
        return name;
    }

    /**
     * Adds a float32 initializer.
     *
     * @param hint the name's stem
     * @param data the values, row-major
     * @param dims the shape
     * @return the initializer's name
     */
    public String constant(String hint, float[] data, long... dims) {
        checkSize(hint, data.length, dims);
        String name = fresh(hint);
        initializers.put(name, new Initializer(name, FLOAT, dims, data, null, null));
        return name;
    }

    /**
     * Adds an int64 initializer (shapes, axes, split sizes).
     *
     * @param hint the name's stem
     * @param data the values
     * @return the initializer's name (a 1-D tensor)
     */
    public String int64s(String hint, long... data) {
        String name = fresh(hint);
        initializers.put(
                name, new Initializer(name, INT64, new long[] {data.length}, null, data, null));
        return name;
    }

    /**
     * Returns a float32 scalar initializer, shared by every use of the same value.
     *
     * @param value the value
     * @return the initializer's name
     */
    public String scalar(float value) {
        return scalars.computeIfAbsent(
                Float.toString(value),
                k -> {
                    String name = fresh("const_" + k);
                    initializers.put(
                            name,
                            new Initializer(
                                    name, FLOAT, new long[0], new float[] {value}, null, null));
                    return name;
                });
    }

    /**
     * Encodes the model.
     *
     * @param graphName the graph's name
     * @param opset the default-domain opset
     * @param producer the producer name
     * @param producerVersion the producer version
     * @param metadata {@code metadata_props} entries, in order
     * @return the serialized {@code ModelProto}
     */
    public byte[] toModel(
            String graphName,
            int opset,
            String producer,
            String producerVersion,
            Map<String, String> metadata) {
        ProtoWriter graph = new ProtoWriter();
        boolean microsoft = false;
        for (Node n : nodes) {
            graph.message(1, encode(n));
            microsoft |= n.domain().equals(MICROSOFT);
        }
        graph.string(2, graphName);
        for (Initializer t : initializers.values()) {
            graph.message(5, tensor(t.name(), t.type(), t.dims(), t.bytes()));
        }
        for (ProtoWriter i : inputs) {
            graph.message(11, i);
        }
        for (ProtoWriter o : outputs) {
            graph.message(12, o);
        }
        ProtoWriter model = new ProtoWriter();
        model.int64(1, IR_VERSION);
        model.string(2, producer);
        model.string(3, producerVersion);
        model.message(7, graph);
        model.message(8, new ProtoWriter().string(1, "").int64(2, opset));
        if (microsoft) {
            model.message(8, new ProtoWriter().string(1, MICROSOFT).int64(2, 1));
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            // ModelProto.metadata_props: StringStringEntryProto {key = 1, value = 2}.
            model.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        return model.toByteArray();
    }

    /**
     * Returns the number of nodes so far.
     *
     * @return the node count
     */
    public int nodeCount() {
        return nodes.size();
    }

    private static ProtoWriter encode(Node n) {
        ProtoWriter node = new ProtoWriter();
        for (String i : n.inputs()) {
            node.string(1, i);
        }
        for (String o : n.outputs()) {
            node.string(2, o);
        }
        node.string(3, n.name());
        node.string(4, n.op());
        for (Attr a : n.attrs()) {
            node.message(5, a.proto);
        }
        if (!n.domain().isEmpty()) {
            node.string(7, n.domain());
        }
        return node;
    }

    /**
     * Returns the nodes in graph order (a quantization pass rewrites them).
     *
     * @return the live list
     */
    public List<Node> nodes() {
        return nodes;
    }

    /**
     * Returns the initializers by name (a quantization pass rewrites them).
     *
     * @return the live map
     */
    public Map<String, Initializer> initializers() {
        return initializers;
    }

    /**
     * Returns a fresh node name for an operator.
     *
     * @param op the operator
     * @return a name no other node has
     */
    public String nodeName(String op) {
        return op + "_" + nodeCount++;
    }

    /**
     * Adds a graph output of element type float with an unknown shape (calibration outputs).
     *
     * @param name the value
     */
    public void outputAnyShape(String name) {
        ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT);
        outputs.add(
                new ProtoWriter()
                        .string(1, name)
                        .message(2, new ProtoWriter().message(1, tensorType)));
    }

    private static void checkSize(String hint, int length, long[] dims) {
        long size = 1;
        for (long d : dims) {
            size *= d;
        }
        if (size != length) {
            throw new IllegalStateException(
                    hint + ": " + length + " values do not fill a tensor of " + size);
        }
    }

    private static ProtoWriter tensor(String name, int type, long[] dims, byte[] raw) {
        ProtoWriter t = new ProtoWriter();
        if (dims.length > 0) {
            t.packedInt64(1, dims);
        }
        t.int64(2, type);
        t.string(8, name);
        t.bytes(9, raw);
        return t;
    }

    private static ProtoWriter valueInfo(String name, long[] dims) {
        ProtoWriter shape = new ProtoWriter();
        shape.message(1, new ProtoWriter().string(2, BATCH));
        for (long d : dims) {
            shape.message(1, new ProtoWriter().int64(1, d));
        }
        ProtoWriter tensorType = new ProtoWriter().int64(1, FLOAT).message(2, shape);
        return new ProtoWriter()
                .string(1, name)
                .message(2, new ProtoWriter().message(1, tensorType));
    }
}
