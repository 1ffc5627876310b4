package io.github.fastvision.onnx.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.fastvision.models.ParameterNames;
import io.github.fastvision.onnx.export.OnnxGraph.Attr;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An export in progress: the graph being built, the converters, the path of the block being
 * converted (for error messages and readable value names) and the static shapes of the values
 * (batch 1) that converters of shape-dependent blocks need.
 */
public final class ExportContext {

    private final OnnxGraph graph;
    private final ConverterRegistry registry;
    private final Deque<String> path = new ArrayDeque<>();
    private final Map<String, Shape> shapes = new HashMap<>();

    ExportContext(OnnxGraph graph, ConverterRegistry registry, String root) {
        this.graph = graph;
        this.registry = registry;
        path.addLast(root);
    }

    /**
     * Returns the graph being built.
     *
     * @return the graph
     */
    public OnnxGraph graph() {
        return graph;
    }

    /**
     * Returns the path of the block being converted, such as {@code
     * fasternet_t0/stages_0/01FasterNetBlock/spatial_mixing}.
     *
     * @return the path
     */
    public String path() {
        return String.join("/", path);
    }

    /**
     * Converts a child block with the converter registered for its type.
     *
     * @param block the child
     * @param name the child's name (for the path)
     * @param inputs its inputs
     * @return its outputs
     * @throws UnsupportedExportException when no converter handles the block's type
     */
    public List<String> convert(Block block, String name, List<String> inputs) {
        path.addLast(name);
        try {
            BlockConverter converter = registry.find(block);
            if (converter == null) {
                throw new UnsupportedExportException(
                        "no ONNX converter for block type "
                                + block.getClass().getName()
                                + " at "
                                + path()
                                + "; register one with ConverterRegistry.register");
            }
            List<String> outputs = converter.convert(block, inputs, this);
            recordShapes(block, inputs, outputs);
            return outputs;
        } finally {
            path.removeLast();
        }
    }

    /**
     * Converts a single-input, single-output child.
     *
     * @param block the child
     * @param name the child's name
     * @param input its input
     * @return its output
     */
    public String convert1(Block block, String name, String input) {
        List<String> out = convert(block, name, List.of(input));
        if (out.size() != 1) {
            throw new IllegalStateException(
                    path()
                            + "/"
                            + name
                            + " returned "
                            + out.size()
                            + " values where 1 was expected");
        }
        return out.get(0);
    }

    /**
     * Converts the named child of a block (names are matched after DJL's position prefix).
     *
     * @param parent the parent
     * @param name the child's name, such as {@code conv}
     * @param input its input
     * @return its output
     */
    public String child(Block parent, String name, String input) {
        return convert1(requireChild(parent, name), name, input);
    }

    /**
     * Returns the named child of a block.
     *
     * @param parent the parent
     * @param name the child's name without DJL's position prefix
     * @return the child
     * @throws IllegalStateException when the block has no such child
     */
    public Block requireChild(Block parent, String name) {
        Block b = optChild(parent, name);
        if (b == null) {
            throw new IllegalStateException(
                    path()
                            + ": "
                            + parent.getClass().getSimpleName()
                            + " has no child '"
                            + name
                            + "' (children: "
                            + parent.getChildren().keys()
                            + ")");
        }
        return b;
    }

    /**
     * Returns the named child of a block, or null.
     *
     * @param parent the parent
     * @param name the child's name without DJL's position prefix
     * @return the child, or null
     */
    public static Block optChild(Block parent, String name) {
        for (Pair<String, Block> c : parent.getChildren()) {
            if (stripPosition(c.getKey()).equals(name)) {
                return c.getValue();
            }
        }
        return null;
    }

    /**
     * Removes DJL's two-digit position prefix from a child name ({@code 01conv} → {@code conv}), by
     * {@link ParameterNames#stripPosition}'s rule so that export and import name children alike.
     *
     * @param key the child's key
     * @return the name
     */
    public static String stripPosition(String key) {
        return ParameterNames.stripPosition(key);
    }

    /**
     * Returns a parameter's values.
     *
     * @param block the block that owns the parameter directly
     * @param name the parameter name
     * @return the values, row-major
     */
    public float[] param(Block block, String name) {
        return paramArray(block, name).toFloatArray();
    }

    /**
     * Returns a parameter's shape.
     *
     * @param block the block that owns the parameter directly
     * @param name the parameter name
     * @return the shape
     */
    public long[] paramShape(Block block, String name) {
        return paramArray(block, name).getShape().getShape();
    }

    /**
     * Returns whether a block owns a parameter of that name.
     *
     * @param block the block
     * @param name the parameter name
     * @return true when present
     */
    public static boolean hasParam(Block block, String name) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getKey().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds a parameter of a block as an initializer, with its own shape.
     *
     * @param block the block that owns the parameter
     * @param name the parameter name
     * @return the initializer's name
     */
    public String paramConstant(Block block, String name) {
        NDArray a = paramArray(block, name);
        return graph.constant(path() + "/" + name, a.toFloatArray(), a.getShape().getShape());
    }

    private NDArray paramArray(Block block, String name) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getKey().equals(name)) {
                if (!p.getValue().isInitialized()) {
                    throw new IllegalStateException(
                            path() + ": parameter " + name + " is not initialized");
                }
                return p.getValue().getArray();
            }
        }
        throw new IllegalStateException(
                path()
                        + ": "
                        + block.getClass().getSimpleName()
                        + " has no parameter '"
                        + name
                        + "'");
    }

    /**
     * Appends a node named after the current path.
     *
     * @param op the ONNX operator
     * @param in its inputs
     * @param attrs its attributes
     * @return its output
     */
    public String op(String op, List<String> in, Attr... attrs) {
        return graph.node(op, path(), in, attrs);
    }

    /**
     * Appends a node with several outputs named after the current path.
     *
     * @param op the ONNX operator
     * @param count the number of outputs
     * @param in its inputs
     * @param attrs its attributes
     * @return its outputs
     */
    public List<String> opN(String op, int count, List<String> in, Attr... attrs) {
        return graph.nodeN(op, path(), count, in, attrs);
    }

    /**
     * Adds an int64 vector initializer.
     *
     * @param values the values
     * @return its name
     */
    public String int64s(long... values) {
        return graph.int64s(path() + "/i64", values);
    }

    /**
     * Adds a float initializer.
     *
     * @param data the values
     * @param dims the shape
     * @return its name
     */
    public String constant(float[] data, long... dims) {
        return graph.constant(path() + "/const", data, dims);
    }

    /**
     * Returns the static shape (batch 1) of a value.
     *
     * @param value a graph value
     * @return its shape
     * @throws IllegalStateException when the shape was not recorded
     */
    public Shape shape(String value) {
        Shape s = shapes.get(value);
        if (s == null) {
            throw new IllegalStateException(path() + ": no static shape recorded for " + value);
        }
        return s;
    }

    /**
     * Records the static shape (batch 1) of a value that a child converter may ask for.
     *
     * @param value the graph value
     * @param shape its shape
     */
    public void setShape(String value, Shape shape) {
        shapes.put(value, shape);
    }

    /**
     * Returns the static shapes (batch 1) recorded so far.
     *
     * @return value name to shape, read-only
     */
    public Map<String, Shape> shapes() {
        return java.util.Collections.unmodifiableMap(shapes);
    }

    private void recordShapes(Block block, List<String> inputs, List<String> outputs) {
        Shape[] in = new Shape[inputs.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = shapes.get(inputs.get(i));
            if (in[i] == null) {
                return;
            }
        }
        Shape[] out = block.getOutputShapes(in);
        if (out.length != outputs.size()) {
            throw new IllegalStateException(
                    path()
                            + ": the converter returned "
                            + outputs.size()
                            + " values but the block declares "
                            + Arrays.toString(out));
        }
        for (int i = 0; i < out.length; i++) {
            shapes.putIfAbsent(outputs.get(i), out[i]);
        }
    }
}
