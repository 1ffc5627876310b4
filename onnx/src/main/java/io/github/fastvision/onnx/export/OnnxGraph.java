package io.github.fastvision.onnx.export;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.github.fastvision.onnx.proto.OnnxProto.AttributeProto;
import io.github.fastvision.onnx.proto.OnnxProto.GraphProto;
import io.github.fastvision.onnx.proto.OnnxProto.ModelProto;
import io.github.fastvision.onnx.proto.OnnxProto.NodeProto;
import io.github.fastvision.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.github.fastvision.onnx.proto.OnnxProto.StringStringEntryProto;
import io.github.fastvision.onnx.proto.OnnxProto.TensorProto;
import io.github.fastvision.onnx.proto.OnnxProto.TensorShapeProto;
import io.github.fastvision.onnx.proto.OnnxProto.TypeProto;
import io.github.fastvision.onnx.proto.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * <p>Messages are ONNX's own, generated from the pinned {@code onnx.proto} (see {@link
 * io.github.fastvision.onnx.proto.OnnxProto}).
 */
public final class OnnxGraph {

    /** The symbolic batch dimension of the graph's inputs and outputs. */
    public static final String BATCH = "N";

    /** IR version 8: the version ONNX 1.12 writes for opset 17, the schema onnx.proto pins. */
    static final long IR_VERSION = 8;

    /** The domain of ONNX Runtime's contrib operators (Gelu, QLinear*). */
    public static final String MICROSOFT = "com.microsoft";

    /** ONNX's element type of float32 tensors. */
    public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Initializer> initializers = new LinkedHashMap<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private final List<ValueInfoProto> valueInfo = new ArrayList<>();
    private final Map<String, Integer> used = new HashMap<>();
    private final Map<String, String> scalars = new HashMap<>();
    private int nodeCount;

    /** An attribute of a node. */
    public static final class Attr {
        private final AttributeProto proto;

        private Attr(AttributeProto.Builder proto) {
            this.proto = proto.build();
        }

        /**
         * Returns the encoded attribute.
         *
         * @return ONNX's {@code AttributeProto}
         */
        AttributeProto proto() {
            return proto;
        }

        /**
         * An integer attribute.
         *
         * @param name the attribute name
         * @param value the value
         * @return the attribute
         */
        public static Attr i(String name, long value) {
            return new Attr(
                    AttributeProto.newBuilder()
                            .setName(name)
                            .setI(value)
                            .setType(AttributeProto.AttributeType.INT));
        }

        /**
         * A float attribute.
         *
         * @param name the attribute name
         * @param value the value
         * @return the attribute
         */
        public static Attr f(String name, float value) {
            return new Attr(
                    AttributeProto.newBuilder()
                            .setName(name)
                            .setF(value)
                            .setType(AttributeProto.AttributeType.FLOAT));
        }

        /**
         * A string attribute.
         *
         * @param name the attribute name
         * @param value the value
         * @return the attribute
         */
        public static Attr s(String name, String value) {
            return new Attr(
                    AttributeProto.newBuilder()
                            .setName(name)
                            .setS(ByteString.copyFromUtf8(value))
                            .setType(AttributeProto.AttributeType.STRING));
        }

        /**
         * An integer-list attribute.
         *
         * @param name the attribute name
         * @param values the values
         * @return the attribute
         */
        public static Attr ints(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
            for (long v : values) {
                a.addInts(v);
            }
            return new Attr(a.setType(AttributeProto.AttributeType.INTS));
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
                    ? littleEndian(floats)
                    : longs != null ? littleEndian(longs) : raw;
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
     * Declares a graph input of any element type and a fixed shape (no symbolic batch): the int8
     * benchmark graphs take uint8 tensors.
     *
     * @param name the input name
     * @param elemType the ONNX element type (1 float, 2 uint8, 3 int8, 6 int32)
     * @param dims every dimension
     * @return the name
     */
    public String typedInput(String name, int elemType, long... dims) {
        used.merge(name, 1, Integer::sum);
        inputs.add(valueInfo(name, elemType, false, dims));
        return name;
    }

    /**
     * Declares a graph output of any element type and a fixed shape (no symbolic batch).
     *
     * @param name an existing value
     * @param elemType the ONNX element type
     * @param dims every dimension
     */
    public void typedOutput(String name, int elemType, long... dims) {
        outputs.add(valueInfo(name, elemType, false, dims));
    }

    /**
     * Declares the float32 shape of an inner value ({@code value_info}) whose first dimension is
     * the batch, for tools that cut the graph (the mixed runtime's segments take their inputs'
     * shapes from it).
     *
     * @param name an existing value
     * @param dims the dimensions after the batch
     */
    public void declareShape(String name, long... dims) {
        valueInfo.add(valueInfo(name, dims));
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
        GraphProto.Builder graph = GraphProto.newBuilder();
        java.util.Set<String> domains = new java.util.TreeSet<>();
        for (Node n : nodes) {
            graph.addNode(encode(n));
            if (!n.domain().isEmpty()) {
                domains.add(n.domain());
            }
        }
        graph.addAllValueInfo(valueInfo);
        graph.setName(graphName);
        for (Initializer t : initializers.values()) {
            graph.addInitializer(tensor(t.name(), t.type(), t.dims(), t.bytes()));
        }
        graph.addAllInput(inputs).addAllOutput(outputs);
        ModelProto.Builder model =
                ModelProto.newBuilder()
                        .setIrVersion(IR_VERSION)
                        .setProducerName(producer)
                        .setProducerVersion(producerVersion)
                        .setGraph(graph)
                        .addOpsetImport(
                                OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
        for (String domain : domains) {
            // com.microsoft's contrib operators and fastvision's own are at version 1.
            model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(1));
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            model.addMetadataProps(
                    StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        return model.build().toByteArray();
    }

    /**
     * Returns the number of nodes so far.
     *
     * @return the node count
     */
    public int nodeCount() {
        return nodes.size();
    }

    private static NodeProto encode(Node n) {
        NodeProto.Builder node =
                NodeProto.newBuilder()
                        .addAllInput(n.inputs())
                        .addAllOutput(n.outputs())
                        .setName(n.name())
                        .setOpType(n.op());
        for (Attr a : n.attrs()) {
            node.addAttribute(a.proto);
        }
        if (!n.domain().isEmpty()) {
            node.setDomain(n.domain());
        }
        return node.build();
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
        TypeProto.Tensor tensorType = TypeProto.Tensor.newBuilder().setElemType(FLOAT).build();
        outputs.add(
                ValueInfoProto.newBuilder()
                        .setName(name)
                        .setType(TypeProto.newBuilder().setTensorType(tensorType))
                        .build());
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

    private static TensorProto tensor(String name, int type, long[] dims, byte[] raw) {
        TensorProto.Builder t = TensorProto.newBuilder();
        for (long d : dims) {
            t.addDims(d);
        }
        // The initializer's bytes are not changed after encoding starts, so they are not copied.
        return t.setDataType(type)
                .setName(name)
                .setRawData(UnsafeByteOperations.unsafeWrap(raw))
                .build();
    }

    private static ValueInfoProto valueInfo(String name, long[] dims) {
        return valueInfo(name, FLOAT, true, dims);
    }

    private static ValueInfoProto valueInfo(String name, int elemType, boolean batch, long[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        if (batch) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        }
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto.Tensor tensorType =
                TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape).build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensorType))
                .build();
    }

    /**
     * Encodes floats as little-endian IEEE 754, the layout of ONNX's {@code raw_data}.
     *
     * @param values the values
     * @return 4 bytes per value
     */
    static byte[] littleEndian(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /**
     * Encodes int64 values as little-endian, the layout of ONNX's {@code raw_data}.
     *
     * @param values the values
     * @return 8 bytes per value
     */
    static byte[] littleEndian(long[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return buffer.array();
    }
}
