package io.github.fastvision.onnx.export;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.onnx.export.OnnxGraph.Attr;
import java.util.List;

/**
 * The export for mixed execution: the whole model as ONNX, except that each {@link
 * DeformablePool2d}'s sampling is one node of fastvision's own domain ({@value #DOMAIN}, operator
 * {@value #POOL_OP}), which ONNX Runtime cannot run and fastvision's Java kernel does. The offset
 * predictor stays an ONNX {@code Conv}. The node reads the pool's input channels-last (a {@code
 * Transpose} before it, which ONNX Runtime folds into its blocked-layout reorder) and the offsets
 * as the predictor writes them, and writes its output channels-last (a {@code Transpose} after it):
 * the layouts {@code DeformablePoolKernel.poolChannelsLast} reads and writes. Attributes: {@code
 * kernel}, {@code stride}, {@code mode} ({@code max} or {@code avg}) and {@code modulated} (0 or
 * 1).
 *
 * <p>The graph carries {@code value_info} with the static shape of every value whose shape the
 * export knows, so that a graph cut at these nodes ({@code onnx.runtime.MixedPlan}) declares its
 * segments' inputs and outputs with shapes.
 */
public final class MixedExport {

    /** The operator domain of fastvision's own nodes. */
    public static final String DOMAIN = "io.github.fastvision";

    /** The deformable pool's operator type. */
    public static final String POOL_OP = "DeformablePool";

    private MixedExport() {}

    /**
     * Returns the default converters with deformable pools written as {@value #POOL_OP} nodes.
     *
     * @return a new registry
     */
    public static ConverterRegistry registry() {
        return ConverterRegistry.defaults().register(DeformablePool2d.class, MixedExport::pool);
    }

    /**
     * Returns an exporter of a model for mixed execution ({@link #registry()}, {@code value_info}
     * written).
     *
     * @param model an initialized zoo classifier
     * @param metadata {@code metadata_props} of the export
     * @return the exporter
     */
    public static OnnxExporter exporter(Block model, java.util.Map<String, String> metadata) {
        return OnnxExporter.builder()
                .setModel(model)
                .optRegistry(registry())
                .optValueInfo(true)
                .optMetadata(metadata)
                .build();
    }

    /**
     * Exports one pool as a mixed model of its own: input {@link OnnxExporter#INPUT} (N, C, H, W),
     * output {@link OnnxExporter#OUTPUT}, the pooled map (for tests and JMH).
     *
     * @param pool an initialized pool
     * @param input the input shape (its batch is made dynamic)
     * @return the serialized ONNX model
     */
    public static byte[] standalone(DeformablePool2d pool, Shape input) {
        OnnxGraph graph = new OnnxGraph();
        ExportContext ctx = new ExportContext(graph, registry(), "pool");
        String x = graph.input(OnnxExporter.INPUT, input.get(1), input.get(2), input.get(3));
        ctx.setShape(x, new Shape(1, input.get(1), input.get(2), input.get(3)));
        String out = ctx.convert(pool, "pool", List.of(x)).get(0);
        Shape os = pool.getOutputShapes(new Shape[] {input})[0];
        graph.output(graph.identity(out, OnnxExporter.OUTPUT), os.get(1), os.get(2), os.get(3));
        ctx.shapes()
                .forEach(
                        (name, shape) -> {
                            if (!name.equals(x)) {
                                long[] dims = shape.getShape();
                                graph.declareShape(
                                        name, java.util.Arrays.copyOfRange(dims, 1, dims.length));
                            }
                        });
        return graph.toModel(
                "deformable_pool_mixed",
                OnnxExporter.DEFAULT_OPSET,
                "fastvision",
                OnnxExporter.version(),
                java.util.Map.of());
    }

    static List<String> pool(Block block, List<String> in, ExportContext ctx) {
        DeformablePool2d d = (DeformablePool2d) block;
        String x = in.get(0);
        Shape xs = ctx.shape(x);
        Shape os = d.getOutputShapes(new Shape[] {xs})[0];
        int k = d.getKernel();
        String offsets = ctx.convert1(d.getOffsetConv(), "offset_conv", x);
        ctx.setShape(
                offsets, new Shape(1, (d.isModulated() ? 3L : 2L) * k * k, os.get(2), os.get(3)));
        String channelsLast = ctx.op("Transpose", List.of(x), Attr.ints("perm", 0, 2, 3, 1));
        ctx.setShape(channelsLast, new Shape(1, xs.get(2), xs.get(3), xs.get(1)));
        OnnxGraph g = ctx.graph();
        String pooled = g.fresh(ctx.path() + "/" + POOL_OP);
        g.nodes()
                .add(
                        new OnnxGraph.Node(
                                POOL_OP,
                                DOMAIN,
                                g.nodeName(POOL_OP),
                                List.of(channelsLast, offsets),
                                List.of(pooled),
                                List.of(
                                        Attr.i("kernel", k),
                                        Attr.i("stride", d.getStride()),
                                        Attr.s(
                                                "mode",
                                                d.getMode() == Pool2d.Mode.MAX ? "max" : "avg"),
                                        Attr.i("modulated", d.isModulated() ? 1 : 0))));
        ctx.setShape(pooled, new Shape(1, os.get(2), os.get(3), os.get(1)));
        return List.of(ctx.op("Transpose", List.of(pooled), Attr.ints("perm", 0, 3, 1, 2)));
    }
}
