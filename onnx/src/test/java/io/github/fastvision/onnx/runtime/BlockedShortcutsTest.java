package io.github.fastvision.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.onnx.export.MixedExport;
import io.github.fastvision.onnx.proto.OnnxProto.ModelProto;
import io.github.fastvision.onnx.proto.OnnxProto.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockedShortcuts} on ONNX Runtime's own optimized segments: the residual shortcuts of the
 * avg-pool deformable ResNet stand-in cross their cuts in the blocked layout, with no reorder at
 * either end, no identity pool left and every residual {@code Add} fused into its convolution; the
 * stand-in with squeeze-excitation, whose residual {@code Add} runs in the plain layout, keeps its
 * shortcuts plain and loses the identity pools again. {@code MixedSessionTest} checks the logits of
 * both against the PyTorch block tree.
 */
class BlockedShortcutsTest {

    @Test
    void shortcutsCrossInTheBlockedLayoutAndTheResidualAddsFuse() throws Exception {
        MixedPlan plan = plan("test_resnet_eb");
        assertFalse(plan.shortcuts().isEmpty(), "the stand-in has shortcuts across its pools");
        BlockedShortcuts blocked = BlockedShortcuts.of(plan);
        assertEquals(plan.shortcuts(), blocked.blocked());

        List<NodeProto> nodes = nodes(blocked);
        for (NodeProto n : nodes) {
            assertFalse(
                    n.getDomain().isEmpty() && n.getOpType().equals("Add"),
                    "residual Add " + n.getName() + " runs unfused in the plain layout");
            assertFalse(isIdentityPool(n), "identity pool " + n.getName() + " left in a segment");
            if (n.getOpType().startsWith("Reorder")) {
                for (String v : blocked.blocked()) {
                    assertFalse(
                            n.getOutputList().contains(v) || n.getInputList().contains(v),
                            n.getOpType() + " still moves shortcut " + v);
                }
            }
        }
        long fusedSums =
                nodes.stream()
                        .filter(
                                n ->
                                        BlockedShortcuts.NCHWC.equals(n.getDomain())
                                                && n.getOpType().equals("Conv")
                                                && n.getInputCount() == 4
                                                && blocked.blocked().contains(n.getInput(3)))
                        .count();
        assertEquals(
                blocked.blocked().size(),
                fusedSums,
                "each shortcut is the summand of the convolution that ends its block");
    }

    @Test
    void shortcutsAfterAPlainLayoutAddStayPlainWithoutIdentityPools() throws Exception {
        MixedPlan plan = plan("test_resnet_deform");
        assertFalse(plan.shortcuts().isEmpty(), "the stand-in has shortcuts across its pools");
        BlockedShortcuts blocked = BlockedShortcuts.of(plan);
        assertTrue(blocked.blocked().isEmpty(), "squeeze-excitation's Mul keeps the Add plain");
        for (NodeProto n : nodes(blocked)) {
            assertFalse(isIdentityPool(n), "identity pool " + n.getName() + " left in a segment");
        }
    }

    private static MixedPlan plan(String name) throws Exception {
        Engine.getEngine("PyTorch").setRandomSeed(2);
        Autograd.disable();
        ModelOptions options = ModelOptions.builder().setNumClasses(10).optInputSize(64).build();
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone model = ModelRegistry.model(name, options);
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            byte[] onnx = MixedExport.exporter(model, Map.of()).toBytes();
            return MixedPlan.of(ModelProto.parseFrom(onnx));
        }
    }

    private static List<NodeProto> nodes(BlockedShortcuts blocked) throws Exception {
        List<NodeProto> nodes = new ArrayList<>();
        for (byte[] segment : blocked.segments()) {
            nodes.addAll(ModelProto.parseFrom(segment).getGraph().getNodeList());
        }
        return nodes;
    }

    private static boolean isIdentityPool(NodeProto n) {
        return n.getOpType().equals("MaxPool")
                && n.getAttributeList().stream()
                        .anyMatch(
                                a ->
                                        a.getName().equals("kernel_shape")
                                                && a.getIntsList().equals(List.of(1L, 1L)));
    }
}
