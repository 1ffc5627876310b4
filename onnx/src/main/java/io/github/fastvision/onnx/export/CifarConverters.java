package io.github.fastvision.onnx.export;

import ai.djl.nn.Block;
import io.github.fastvision.models.cifar.PadShortcut;
import io.github.fastvision.models.cifar.ResidualBlock;
import io.github.fastvision.onnx.export.OnnxGraph.Attr;
import java.util.List;

/** Converters for the CIFAR nets of the pruning chapter ({@code models.cifar}). */
final class CifarConverters {

    private CifarConverters() {}

    static void register(ConverterRegistry r) {
        r.register(ResidualBlock.class, CifarConverters::residual);
        r.register(PadShortcut.class, CifarConverters::padShortcut);
    }

    /** main(x) + shortcut(x), rectified for post-activation blocks. */
    private static List<String> residual(Block block, List<String> in, ExportContext ctx) {
        ResidualBlock b = (ResidualBlock) block;
        String x = in.get(0);
        String y = ctx.child(b, "main", x);
        String shortcut = b.getShortcut() == null ? x : ctx.child(b, "shortcut", x);
        String sum = ctx.op("Add", List.of(y, shortcut));
        return List.of(b.isPostRelu() ? ctx.op("Relu", List.of(sum)) : sum);
    }

    /**
     * The parameter-free shortcut (option A of the ResNet paper): average pooling by the stride,
     * then the channels cut or zero-padded to the output width.
     */
    private static List<String> padShortcut(Block block, List<String> in, ExportContext ctx) {
        PadShortcut p = (PadShortcut) block;
        String x = in.get(0);
        long c = ctx.shape(x).get(1);
        int s = p.getStride();
        if (s > 1) {
            x =
                    ctx.op(
                            "AveragePool",
                            List.of(x),
                            Attr.ints("kernel_shape", s, s),
                            Attr.ints("strides", s, s));
        }
        long out = p.getOutChannels();
        if (c > out) {
            x = Ops.slice(ctx, x, 1, 0, out);
        } else if (c < out) {
            x = ctx.op("Pad", List.of(x, ctx.int64s(0, 0, 0, 0, 0, out - c, 0, 0)));
        }
        return List.of(x);
    }
}
