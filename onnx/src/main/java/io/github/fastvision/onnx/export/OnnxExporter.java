package io.github.fastvision.onnx.export;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.SegmentationModel;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Exports an initialized zoo classifier to an ONNX model: one float32 input {@code input} of shape
 * (N, C, S, S) with a symbolic batch N and the model's input size S, one output {@code logits} (N,
 * classes). The graph is the block tree's eval-mode forward pass, built by one converter per block
 * type (BN folded into its convolution, drop path and dropout removed); standard ONNX operators
 * only, at {@link #DEFAULT_OPSET} (GridSample, which deformable pooling can be written with, needs
 * opset 16).
 *
 * <pre>{@code
 * byte[] onnx = OnnxExporter.builder().setModel(model).build().toBytes();
 * }</pre>
 *
 * <p>Dense-prediction models (HRNet segmentation, the anytime segmenters) are refused: their
 * sparse, mask-driven inference has no static ONNX graph.
 */
public final class OnnxExporter {

    /** The default opset: 17 (LayerNormalization; GridSample from 16). */
    public static final int DEFAULT_OPSET = 17;

    /** The smallest opset the converters' operators exist in. */
    public static final int MIN_OPSET = 17;

    /** The name of the graph input. */
    public static final String INPUT = "input";

    /** The name of the graph output. */
    public static final String OUTPUT = "logits";

    private final VisionModel model;
    private final int opset;
    private final ConverterRegistry registry;
    private final Map<String, String> metadata;
    private final boolean valueInfo;

    private OnnxExporter(Builder b) {
        this.valueInfo = b.valueInfo;
        this.metadata = b.metadata;
        this.model = (VisionModel) b.model;
        this.opset = b.opset;
        this.registry = b.registry;
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds the graph and encodes it.
     *
     * @return the serialized ONNX {@code ModelProto}
     * @throws UnsupportedExportException when a block has no converter
     */
    public byte[] toBytes() {
        return encode(toGraph());
    }

    /**
     * Builds the graph without encoding it (a quantization pass rewrites it first).
     *
     * @return the fp32 graph
     */
    public OnnxGraph toGraph() {
        OnnxGraph graph = new OnnxGraph();
        ExportContext ctx = new ExportContext(graph, registry, model.getName());
        int c = model.getOptions().inChannels();
        int s = model.getOptions().inputSize();
        String x = graph.input(INPUT, c, s, s);
        ctx.setShape(x, new Shape(1, c, s, s));
        List<String> out = ctx.convert(model, model.getName(), List.of(x));
        long classes = model.getOutputShapes(new Shape[] {model.inputShape(1)})[0].get(1);
        graph.output(graph.identity(out.get(0), OUTPUT), classes);
        if (valueInfo) {
            // Sorted, so that the same model always encodes to the same bytes.
            new java.util.TreeMap<>(ctx.shapes())
                    .forEach(
                            (name, shape) -> {
                                if (!name.equals(x) && shape.dimension() > 0) {
                                    long[] dims = shape.getShape();
                                    graph.declareShape(
                                            name,
                                            java.util.Arrays.copyOfRange(dims, 1, dims.length));
                                }
                            });
        }
        return graph;
    }

    /**
     * Encodes a graph of this exporter's model with its opset, producer and metadata.
     *
     * @param graph a graph from {@link #toGraph()}, possibly rewritten
     * @return the serialized {@code ModelProto}
     */
    public byte[] encode(OnnxGraph graph) {
        return graph.toModel(model.getName(), opset, "fastvision", version(), metadata);
    }

    /**
     * Exports to a file, written atomically.
     *
     * @param file the .onnx file
     * @return the number of bytes written
     * @throws IOException when the file cannot be written
     */
    public long export(Path file) throws IOException {
        byte[] bytes = toBytes();
        AtomicFiles.writePath(file, tmp -> Files.write(tmp, bytes));
        return bytes.length;
    }

    /**
     * Revision of what the converters write: raised whenever an export of the same model and
     * weights would change, so that cached exports ({@code ZooExports}) are made again.
     */
    public static final int FORMAT_REVISION = 3;

    /**
     * Returns the exporter's version: the jar's version and {@link #FORMAT_REVISION}.
     *
     * @return e.g. {@code 0.1.0-SNAPSHOT+r2}
     */
    public static String version() {
        String v = OnnxExporter.class.getPackage().getImplementationVersion();
        return (v == null ? "dev" : v) + "+r" + FORMAT_REVISION;
    }

    /** Builder for {@link OnnxExporter}. */
    public static final class Builder {
        private Block model;
        private int opset = DEFAULT_OPSET;
        private ConverterRegistry registry;
        private Map<String, String> metadata = Map.of();
        private boolean valueInfo;

        private Builder() {}

        /**
         * Writes the static shape of every value whose shape the export recorded as the graph's
         * {@code value_info}, batch symbolic (default off; the mixed export cuts the graph by it).
         *
         * @param enabled whether to write them
         * @return this builder
         */
        public Builder optValueInfo(boolean enabled) {
            this.valueInfo = enabled;
            return this;
        }

        /**
         * Sets string metadata written to the model's {@code metadata_props} (ONNX Runtime reads
         * them back with {@code OrtSession.getMetadata().getCustomMetadata()}).
         *
         * @param metadata the entries
         * @return this builder
         */
        public Builder optMetadata(Map<String, String> metadata) {
            this.metadata = new java.util.TreeMap<>(metadata);
            return this;
        }

        /**
         * Sets the model (required): an initialized zoo classifier ({@link VisionModel}); other
         * blocks are refused by {@link #build()} with the reason.
         *
         * @param model the model
         * @return this builder
         */
        public Builder setModel(Block model) {
            this.model = model;
            return this;
        }

        /**
         * Sets the opset (default {@link #DEFAULT_OPSET}).
         *
         * @param opset the default-domain opset, at least {@link #MIN_OPSET}
         * @return this builder
         */
        public Builder optOpset(int opset) {
            this.opset = opset;
            return this;
        }

        /**
         * Sets the converters (default {@link ConverterRegistry#defaults()}).
         *
         * @param registry the converters
         * @return this builder
         */
        public Builder optRegistry(ConverterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /**
         * Builds the exporter.
         *
         * @return the exporter
         * @throws UnsupportedExportException when the model is of a kind ONNX cannot express
         */
        public OnnxExporter build() {
            if (model == null) {
                throw new IllegalArgumentException("OnnxExporter: model is required");
            }
            if (model instanceof AnytimeSegmenter) {
                throw new UnsupportedExportException(
                        "an anytime segmenter ("
                                + ((AnytimeSegmenter) model).variant()
                                + ") cannot be exported to ONNX: its exits stop on the data's"
                                + " confidence and its masked layers skip confident positions"
                                + " sparsely, which no static ONNX graph expresses");
            }
            if (model instanceof SegmentationModel) {
                throw new UnsupportedExportException(
                        ((Backbone) model).getName()
                                + " is a dense-prediction model (SegmentationModel): ONNX export"
                                + " covers the zoo's classifiers only; the anytime segmenters'"
                                + " mask-driven sparse inference and HRNet's segmentation heads"
                                + " have no converter");
            }
            if (!(model instanceof VisionModel)) {
                throw new UnsupportedExportException(
                        model.getClass().getName()
                                + " is not a VisionModel classifier; ONNX export covers the"
                                + " zoo's classifiers only");
            }
            if (opset < MIN_OPSET) {
                throw new IllegalArgumentException(
                        "opset must be at least " + MIN_OPSET + " but was " + opset);
            }
            if (registry == null) {
                registry = ConverterRegistry.defaults();
            }
            return new OnnxExporter(this);
        }
    }
}
