package io.github.fastvision.onnx.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.fastvision.onnx.proto.OnnxProto.AttributeProto;
import io.github.fastvision.onnx.proto.OnnxProto.GraphProto;
import io.github.fastvision.onnx.proto.OnnxProto.ModelProto;
import io.github.fastvision.onnx.proto.OnnxProto.NodeProto;
import io.github.fastvision.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lets a {@link MixedPlan}'s shortcuts cross their cuts in ONNX Runtime's blocked channel layout
 * (NCHWc). Each segment reads its shortcuts through an identity pool ({@link #withIdentityPools})
 * and is optimized by ONNX Runtime, as it would be for a session, and read back; then, for every
 * shortcut, the producing segment's final reorder to the plain layout and the reading segment's
 * reorder back plus its identity pool are removed, so the blocked tensor itself is the segments'
 * output and input. Only ONNX Runtime reads that tensor, so its layout never reaches Java; a
 * shortcut's channels are a multiple of every block size, so it fills the plain tensor's buffer
 * exactly. A shortcut whose segments do not show that pattern (its producer ends in a plain-layout
 * operator, as after a squeeze-excitation's {@code Mul}) keeps its plain layout, and its segments
 * are optimized again without the identity pool. The optimized segments are specific to this
 * machine's CPU (ONNX Runtime logs a warning saying so for each segment it writes) and are only
 * held in memory.
 */
final class BlockedShortcuts {

    /** ONNX Runtime's domain of blocked-layout operators. */
    static final String NCHWC = "com.microsoft.nchwc";

    /** The suffix of an input's name past its identity pool. */
    private static final String ENTERED = "/entered";

    private final List<byte[]> segments;
    private final Set<String> blocked;

    private BlockedShortcuts(List<byte[]> segments, Set<String> blocked) {
        this.segments = segments;
        this.blocked = blocked;
    }

    /**
     * Optimizes every segment of a plan and rewrites its shortcuts.
     *
     * @param plan the plan
     * @return the segments, in step order, as optimized models for sessions without further graph
     *     optimization
     * @throws OrtException when ONNX Runtime refuses a segment
     */
    static BlockedShortcuts of(MixedPlan plan) throws OrtException {
        List<MixedPlan.Segment> plain = new ArrayList<>();
        for (MixedPlan.Step s : plan.steps()) {
            if (s instanceof MixedPlan.Segment seg) {
                plain.add(seg);
            }
        }
        Set<String> candidates = new LinkedHashSet<>(plan.shortcuts());
        List<ModelProto> optimized = new ArrayList<>();
        List<Set<String>> entered = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            optimized.add(null);
            entered.add(null);
        }
        while (true) {
            for (int i = 0; i < plain.size(); i++) {
                Set<String> pools = new HashSet<>(plain.get(i).inputs());
                pools.retainAll(candidates);
                if (!pools.equals(entered.get(i))) {
                    optimized.set(i, optimize(withIdentityPools(plain.get(i).model(), pools)));
                    entered.set(i, pools);
                }
            }
            // Apply every shortcut's rewrite in turn; one that a segment refuses is dropped.
            Set<String> failed = new HashSet<>();
            List<byte[]> segments = new ArrayList<>();
            for (ModelProto m : optimized) {
                for (String v : candidates) {
                    ModelProto rewritten = failed.contains(v) ? null : rewrite(m, v);
                    if (rewritten == null) {
                        failed.add(v);
                    } else {
                        m = rewritten;
                    }
                }
                segments.add(m.toByteArray());
            }
            if (failed.isEmpty()) {
                return new BlockedShortcuts(List.copyOf(segments), Set.copyOf(candidates));
            }
            // Without the rewrite the identity pool is a wasted pass: optimize again without it.
            candidates.removeAll(failed);
        }
    }

    /**
     * Returns the optimized segments.
     *
     * @return one serialized model per segment, in step order
     */
    List<byte[]> segments() {
        return segments;
    }

    /**
     * Returns the shortcuts that cross in the blocked layout.
     *
     * @return their names
     */
    Set<String> blocked() {
        return blocked;
    }

    /**
     * Reads the given inputs of a segment through 1×1 max pools (identities). ONNX Runtime moves a
     * value into its blocked layout only for an operator it runs in that layout, and fuses a
     * residual {@code Add} into the convolution before it only when both of the {@code Add}'s
     * inputs are blocked; a graph input read by the {@code Add} alone stays plain, and the {@code
     * Add} and its {@code Relu} run unfused between two extra reorders.
     */
    static byte[] withIdentityPools(byte[] segment, Set<String> inputs) {
        if (inputs.isEmpty()) {
            return segment;
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(segment);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not an ONNX segment: " + e.getMessage(), e);
        }
        GraphProto.Builder g = model.getGraph().toBuilder().clearNode();
        for (String in : inputs) {
            g.addNode(
                    NodeProto.newBuilder()
                            .setOpType("MaxPool")
                            .setName(in + ENTERED)
                            .addInput(in)
                            .addOutput(in + ENTERED)
                            .addAttribute(
                                    AttributeProto.newBuilder()
                                            .setName("kernel_shape")
                                            .setType(AttributeProto.AttributeType.INTS)
                                            .addInts(1)
                                            .addInts(1)));
        }
        for (NodeProto n : model.getGraph().getNodeList()) {
            NodeProto.Builder b = n.toBuilder();
            for (int j = 0; j < n.getInputCount(); j++) {
                if (inputs.contains(n.getInput(j))) {
                    b.setInput(j, n.getInput(j) + ENTERED);
                }
            }
            g.addNode(b);
        }
        return model.toBuilder().setGraph(g).build().toByteArray();
    }

    /** ONNX Runtime's optimized graph of a segment, written to a temporary file and read back. */
    private static ModelProto optimize(byte[] segment) throws OrtException {
        Path file = null;
        try {
            file = Files.createTempFile("fastvision-segment", ".onnx");
            try (OrtSession.SessionOptions options = OnnxRuntimeSession.sessionOptions(1)) {
                // ONNX Runtime logs through the environment's logger, at its warning level, that
                // a blocked-layout graph fits this CPU only: it never leaves this process.
                options.setOptimizedModelFilePath(file.toString());
                OrtEnvironments.shared().createSession(segment, options).close();
            }
            return ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX Runtime's optimized segment", e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    file.toFile().deleteOnExit();
                }
            }
        }
    }

    /**
     * Rewrites one shortcut in one optimized segment: as an output, drops the {@code ReorderOutput}
     * that makes it and names the blocked tensor after it; as an input, drops the {@code
     * ReorderInput} that reads it and the identity pool after that, and feeds the blocked input to
     * the pool's readers.
     *
     * @return the rewritten segment (the segment itself when it neither makes nor reads the value),
     *     or null when the segment does not show the expected pattern
     */
    static ModelProto rewrite(ModelProto model, String value) {
        GraphProto g = model.getGraph();
        List<NodeProto> nodes = g.getNodeList();
        boolean input = g.getInputList().stream().anyMatch(v -> v.getName().equals(value));
        boolean output = g.getOutputList().stream().anyMatch(v -> v.getName().equals(value));
        if (!input && !output) {
            return model;
        }
        Set<Integer> drop = new HashSet<>();
        Map<String, String> rename = new HashMap<>();
        if (input) {
            List<Integer> readers = readers(nodes, value);
            if (readers.size() != 1 || !isReorder(nodes.get(readers.get(0)), "ReorderInput")) {
                return null;
            }
            int reorder = readers.get(0);
            List<Integer> next = readers(nodes, nodes.get(reorder).getOutput(0));
            if (next.size() != 1 || !isIdentityPool(nodes.get(next.get(0)))) {
                return null;
            }
            drop.add(reorder);
            drop.add(next.get(0));
            rename.put(nodes.get(next.get(0)).getOutput(0), value);
        }
        if (output) {
            int maker = -1;
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.get(i).getOutputList().contains(value)) {
                    maker = i;
                }
            }
            if (maker < 0 || !isReorder(nodes.get(maker), "ReorderOutput")) {
                return null;
            }
            drop.add(maker);
            rename.put(nodes.get(maker).getInput(0), value);
        }
        GraphProto.Builder b = g.toBuilder().clearNode();
        for (int i = 0; i < nodes.size(); i++) {
            if (drop.contains(i)) {
                continue;
            }
            NodeProto.Builder n = nodes.get(i).toBuilder();
            for (int j = 0; j < n.getInputCount(); j++) {
                n.setInput(j, rename.getOrDefault(n.getInput(j), n.getInput(j)));
            }
            for (int j = 0; j < n.getOutputCount(); j++) {
                n.setOutput(j, rename.getOrDefault(n.getOutput(j), n.getOutput(j)));
            }
            b.addNode(n);
        }
        // Shape annotations of the renamed blocked tensors would contradict the plain ones.
        List<ValueInfoProto> infos = new ArrayList<>(b.getValueInfoList());
        infos.removeIf(v -> rename.containsKey(v.getName()) || rename.containsValue(v.getName()));
        b.clearValueInfo().addAllValueInfo(infos);
        return model.toBuilder().setGraph(b).build();
    }

    private static List<Integer> readers(List<NodeProto> nodes, String value) {
        List<Integer> readers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.get(i).getInputList().contains(value)) {
                readers.add(i);
            }
        }
        return readers;
    }

    /** A reorder between the plain (not channels-last) and the blocked layout. */
    private static boolean isReorder(NodeProto n, String op) {
        return NCHWC.equals(n.getDomain())
                && op.equals(n.getOpType())
                && intAttribute(n, "channels_last", 0) == 0;
    }

    /** A blocked 1×1 max pool with stride 1 and no padding: the plan's identity. */
    private static boolean isIdentityPool(NodeProto n) {
        if (!NCHWC.equals(n.getDomain()) || !"MaxPool".equals(n.getOpType())) {
            return false;
        }
        for (AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "kernel_shape", "strides", "dilations" -> {
                    if (a.getIntsList().stream().anyMatch(x -> x != 1)) {
                        return false;
                    }
                }
                case "pads" -> {
                    if (a.getIntsList().stream().anyMatch(x -> x != 0)) {
                        return false;
                    }
                }
                case "auto_pad" -> {
                    String pad = a.getS().toStringUtf8();
                    if (!pad.isEmpty() && !"NOTSET".equals(pad) && !"VALID".equals(pad)) {
                        return false;
                    }
                }
                default -> {}
            }
        }
        return true;
    }

    private static long intAttribute(NodeProto n, String name, long otherwise) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return otherwise;
    }
}
