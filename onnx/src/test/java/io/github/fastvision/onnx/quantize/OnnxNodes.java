package io.github.fastvision.onnx.quantize;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the nodes of an ONNX file (ModelProto.graph.node: op_type, domain, inputs, outputs) with a
 * minimal protobuf wire-format reader, enough to check what ONNX Runtime's optimizer fused.
 */
final class OnnxNodes {

    /** One node of the file. */
    record Node(String op, String domain, List<String> inputs, List<String> outputs) {}

    private OnnxNodes() {}

    static List<Node> read(Path file) throws IOException {
        ByteBuffer model = ByteBuffer.wrap(Files.readAllBytes(file));
        List<Node> nodes = new ArrayList<>();
        while (model.hasRemaining()) {
            long key = varint(model);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 7 && wire == 2) {
                ByteBuffer graph = slice(model);
                while (graph.hasRemaining()) {
                    long k = varint(graph);
                    if ((k >>> 3) == 1 && (k & 7) == 2) {
                        nodes.add(node(slice(graph)));
                    } else {
                        skip(graph, (int) (k & 7));
                    }
                }
            } else {
                skip(model, wire);
            }
        }
        return nodes;
    }

    private static Node node(ByteBuffer b) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String op = "";
        String domain = "";
        while (b.hasRemaining()) {
            long k = varint(b);
            int field = (int) (k >>> 3);
            if ((k & 7) != 2) {
                skip(b, (int) (k & 7));
                continue;
            }
            ByteBuffer v = slice(b);
            String s = StandardCharsets.UTF_8.decode(v).toString();
            switch (field) {
                case 1 -> in.add(s);
                case 2 -> out.add(s);
                case 4 -> op = s;
                case 7 -> domain = s;
                default -> {}
            }
        }
        return new Node(op, domain, in, out);
    }

    private static ByteBuffer slice(ByteBuffer b) {
        int n = (int) varint(b);
        ByteBuffer s = b.slice();
        s.limit(n);
        b.position(b.position() + n);
        return s;
    }

    private static void skip(ByteBuffer b, int wire) {
        switch (wire) {
            case 0 -> varint(b);
            case 1 -> b.position(b.position() + 8);
            case 2 -> slice(b);
            case 5 -> b.position(b.position() + 4);
            default -> throw new IllegalStateException("wire type " + wire);
        }
    }

    private static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b.get();
            v |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }
}
