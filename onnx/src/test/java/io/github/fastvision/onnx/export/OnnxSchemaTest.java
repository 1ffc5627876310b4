package io.github.fastvision.onnx.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.onnx.proto.OnnxProto.AttributeProto;
import io.github.fastvision.onnx.proto.OnnxProto.GraphProto;
import io.github.fastvision.onnx.proto.OnnxProto.ModelProto;
import io.github.fastvision.onnx.proto.OnnxProto.NodeProto;
import io.github.fastvision.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.github.fastvision.onnx.proto.OnnxProto.StringStringEntryProto;
import io.github.fastvision.onnx.proto.OnnxProto.TensorProto;
import io.github.fastvision.onnx.proto.OnnxProto.TensorShapeProto;
import io.github.fastvision.onnx.proto.OnnxProto.ValueInfoProto;
import io.github.fastvision.onnx.runtime.OnnxRuntimeSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One tiny variant of every classifier family, exported and parsed back with the classes generated
 * from ONNX's own schema: the model header, graph inputs and outputs, every node, attribute and
 * initializer are what the exporter's graph holds and are well formed (a Conv's kernel_shape agrees
 * with its weight, raw data fills its dims, every input is defined before it is read), and ONNX
 * Runtime loads the same bytes and reads the same metadata.
 */
class OnnxSchemaTest {

    private static final int SIZE = 32;
    private static final int CLASSES = 10;

    /** Bytes per element of the ONNX element types the exporter and quantizer write. */
    private static final Map<Integer, Integer> ELEMENT_BYTES =
            Map.of(
                    TensorProto.DataType.FLOAT_VALUE, 4,
                    TensorProto.DataType.INT64_VALUE, 8,
                    TensorProto.DataType.INT32_VALUE, 4,
                    TensorProto.DataType.INT8_VALUE, 1,
                    TensorProto.DataType.UINT8_VALUE, 1);

    /** The first tiny stand-in of each classifier family. */
    static Stream<String> onePerFamily() {
        Map<String, String> first = new LinkedHashMap<>();
        ZooExportTest.standIns()
                .forEach(
                        name ->
                                first.putIfAbsent(
                                        ModelRegistry.info(name).family().getClass().getName(),
                                        name));
        return first.values().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("onePerFamily")
    void exportParsesBackToItsGraph(String name) throws Exception {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("fastvision.test.b", "second");
        metadata.put("fastvision.test.a", "first ü");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Backbone model =
                    ModelRegistry.model(
                            name,
                            ModelOptions.builder()
                                    .setNumClasses(CLASSES)
                                    .optInputSize(SIZE)
                                    .build());
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            OnnxExporter exporter =
                    OnnxExporter.builder().setModel(model).optMetadata(metadata).build();
            OnnxGraph graph = exporter.toGraph();
            byte[] bytes = exporter.encode(graph);
            ModelProto proto = ModelProto.parseFrom(bytes);

            assertEquals(OnnxGraph.IR_VERSION, proto.getIrVersion(), name + ": ir_version");
            assertEquals("fastvision", proto.getProducerName());
            assertEquals(OnnxExporter.version(), proto.getProducerVersion());
            assertEquals(
                    metadata,
                    proto.getMetadataPropsList().stream()
                            .collect(
                                    Collectors.toMap(
                                            StringStringEntryProto::getKey,
                                            StringStringEntryProto::getValue,
                                            (a, b) -> a,
                                            LinkedHashMap::new)),
                    name + ": metadata_props");
            assertEquals(
                    List.of("fastvision.test.a", "fastvision.test.b"),
                    proto.getMetadataPropsList().stream()
                            .map(StringStringEntryProto::getKey)
                            .toList(),
                    name + ": metadata_props in key order, so an export is reproducible");

            GraphProto g = proto.getGraph();
            assertEquals(model.getName(), g.getName());
            Shape in = model.inputShape(1);
            assertEquals(1, g.getInputCount(), name + ": graph inputs");
            assertValueInfo(g.getInput(0), OnnxExporter.INPUT, in.get(1), in.get(2), in.get(3));
            assertEquals(1, g.getOutputCount(), name + ": graph outputs");
            assertValueInfo(g.getOutput(0), OnnxExporter.OUTPUT, CLASSES);

            boolean microsoft = g.getNodeList().stream().anyMatch(n -> n.getDomain().length() > 0);
            Map<String, Long> opsets = new HashMap<>();
            for (OperatorSetIdProto o : proto.getOpsetImportList()) {
                assertTrue(o.hasDomain() && o.hasVersion(), name + ": opset import " + o);
                opsets.put(o.getDomain(), o.getVersion());
            }
            Map<String, Long> wantOpsets = new HashMap<>();
            wantOpsets.put("", (long) OnnxExporter.DEFAULT_OPSET);
            if (microsoft) {
                wantOpsets.put(OnnxGraph.MICROSOFT, 1L);
            }
            assertEquals(wantOpsets, opsets, name + ": opset_import");

            assertNodes(name, graph, g);
            assertInitializers(name, graph, g);

            try (OnnxRuntimeSession ort = OnnxRuntimeSession.builder().setModel(bytes).build()) {
                assertEquals(
                        metadata, ort.metadata(), name + ": metadata as ONNX Runtime reads it");
                float[] x = new float[(int) in.size() * 2];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) Math.sin(i * 0.37);
                }
                OnnxRuntimeSession.Output out =
                        ort.run(x, new long[] {2, in.get(1), in.get(2), in.get(3)});
                assertArrayEquals(new long[] {2, CLASSES}, out.shape(), name + ": output shape");
            }
        }
    }

    private static void assertValueInfo(ValueInfoProto v, String name, long... dims) {
        assertEquals(name, v.getName());
        assertTrue(v.getType().hasTensorType(), name + ": not a tensor type");
        assertEquals(TensorProto.DataType.FLOAT_VALUE, v.getType().getTensorType().getElemType());
        List<TensorShapeProto.Dimension> shape =
                v.getType().getTensorType().getShape().getDimList();
        assertEquals(dims.length + 1, shape.size(), name + ": rank");
        assertEquals(OnnxGraph.BATCH, shape.get(0).getDimParam(), name + ": batch dimension");
        for (int i = 0; i < dims.length; i++) {
            assertEquals(dims[i], shape.get(i + 1).getDimValue(), name + ": dimension " + (i + 1));
        }
    }

    private static void assertNodes(String name, OnnxGraph graph, GraphProto g) {
        assertEquals(graph.nodes().size(), g.getNodeCount(), name + ": node count");
        Set<String> defined = new HashSet<>();
        defined.add(OnnxExporter.INPUT);
        g.getInitializerList().forEach(t -> defined.add(t.getName()));
        Map<String, TensorProto> initializers = new HashMap<>();
        g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        Set<String> nodeNames = new HashSet<>();
        for (int k = 0; k < g.getNodeCount(); k++) {
            NodeProto n = g.getNode(k);
            OnnxGraph.Node want = graph.nodes().get(k);
            String where = name + ": node " + n.getName();
            assertEquals(want.op(), n.getOpType(), where);
            assertEquals(want.domain(), n.getDomain(), where);
            assertEquals(want.name(), n.getName(), where);
            assertEquals(want.inputs(), n.getInputList(), where);
            assertEquals(want.outputs(), n.getOutputList(), where);
            assertTrue(nodeNames.add(n.getName()), where + ": node name used twice");
            for (String i : n.getInputList()) {
                assertTrue(i.isEmpty() || defined.contains(i), where + " reads undefined " + i);
            }
            for (String o : n.getOutputList()) {
                assertTrue(defined.add(o), where + ": value " + o + " written twice");
            }
            assertEquals(want.attrs().size(), n.getAttributeCount(), where + ": attributes");
            for (int a = 0; a < n.getAttributeCount(); a++) {
                AttributeProto attr = n.getAttribute(a);
                assertEquals(want.attrs().get(a).proto(), attr, where);
                assertAttributeWellFormed(where, attr);
            }
            if (n.getOpType().equals("Conv")) {
                TensorProto w = initializers.get(n.getInput(1));
                if (w != null) {
                    assertEquals(4, w.getDimsCount(), where + ": Conv weight rank");
                    assertEquals(
                            List.of(w.getDims(2), w.getDims(3)),
                            attribute(n, "kernel_shape").getIntsList(),
                            where + ": kernel_shape against the weight's dims");
                }
            }
        }
        assertTrue(defined.contains(OnnxExporter.OUTPUT), name + ": graph output never written");
    }

    private static void assertAttributeWellFormed(String where, AttributeProto a) {
        String what = where + " attribute " + a.getName();
        assertFalse(a.getName().isEmpty(), what);
        switch (a.getType()) {
            case INT -> assertTrue(a.hasI(), what);
            case FLOAT -> assertTrue(a.hasF(), what);
            case STRING -> assertTrue(a.hasS(), what);
            case INTS -> assertTrue(a.getIntsCount() > 0, what);
            default -> throw new AssertionError(what + ": unexpected type " + a.getType());
        }
    }

    private static AttributeProto attribute(NodeProto n, String attr) {
        return n.getAttributeList().stream()
                .filter(a -> a.getName().equals(attr))
                .findFirst()
                .orElseThrow(() -> new AssertionError(n.getName() + " has no " + attr));
    }

    private static void assertInitializers(String name, OnnxGraph graph, GraphProto g) {
        assertEquals(graph.initializers().size(), g.getInitializerCount(), name + ": count");
        List<String> names = new ArrayList<>();
        for (TensorProto t : g.getInitializerList()) {
            String where = name + ": initializer " + t.getName();
            OnnxGraph.Initializer want = graph.initializers().get(t.getName());
            assertTrue(want != null, where + " is not in the graph");
            names.add(t.getName());
            assertEquals(want.type(), t.getDataType(), where + ": data_type");
            assertArrayEquals(
                    want.dims(),
                    t.getDimsList().stream().mapToLong(Long::longValue).toArray(),
                    where + ": dims");
            long elements = 1;
            for (long d : t.getDimsList()) {
                elements *= d;
            }
            Integer size = ELEMENT_BYTES.get(t.getDataType());
            assertTrue(size != null, where + ": element type " + t.getDataType());
            assertEquals(elements * size, t.getRawData().size(), where + ": raw_data size");
            assertArrayEquals(want.bytes(), t.getRawData().toByteArray(), where + ": raw_data");
        }
        assertEquals(List.copyOf(graph.initializers().keySet()), names, name + ": order");
    }
}
