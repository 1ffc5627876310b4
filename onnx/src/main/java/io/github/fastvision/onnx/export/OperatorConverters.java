package io.github.fastvision.onnx.export;

import ai.djl.nn.Block;
import io.github.fastvision.core.convnext.ConvNeXtBlock;
import io.github.fastvision.core.convnext.ConvNeXtDownsample;
import io.github.fastvision.core.convnext.ConvNeXtStem;
import io.github.fastvision.core.fasternet.FasterNetBlock;
import io.github.fastvision.core.fasternet.FasterNetEmbedding;
import io.github.fastvision.core.fasternet.FasterNetMerging;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.pconv.PartialConv2d;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.core.pflayer.EfficientBottleneck;
import io.github.fastvision.core.pflayer.EfficientTransformerBlock;
import io.github.fastvision.core.pflayer.PoolingTokenMixer;
import io.github.fastvision.core.resnet.AbstractBottleneck;
import io.github.fastvision.core.resnet.Bottleneck;
import io.github.fastvision.core.rexnet.ReXNetBlock;
import io.github.fastvision.core.vit.Mlp;
import io.github.fastvision.core.vit.MultiHeadSelfAttention;
import io.github.fastvision.core.vit.TransformerBlock;
import io.github.fastvision.onnx.export.OnnxGraph.Attr;
import java.util.List;

/** Converters for the operators and blocks of core-ops (one per block type). */
final class OperatorConverters {

    private OperatorConverters() {}

    static void register(ConverterRegistry r) {
        r.register(PartialConv2d.class, OperatorConverters::partialConv);
        r.register(FasterNetBlock.class, OperatorConverters::fasterNetBlock);
        LayerConverters.registerWrapper(r, FasterNetEmbedding.class);
        LayerConverters.registerWrapper(r, FasterNetMerging.class);
        r.register(
                ConvNeXtStem.class,
                (b, in, ctx) -> List.of(Ops.chain(ctx, b, in.get(0), "conv", "norm")));
        r.register(
                ConvNeXtDownsample.class,
                (b, in, ctx) -> List.of(Ops.chain(ctx, b, in.get(0), "norm", "conv")));
        r.register(ConvNeXtBlock.class, OperatorConverters::convNeXtBlock);
        r.register(ReXNetBlock.class, OperatorConverters::rexNetBlock);
        r.register(Bottleneck.class, (b, in, ctx) -> bottleneck(b, in, ctx, "conv2"));
        r.register(EfficientBottleneck.class, (b, in, ctx) -> bottleneck(b, in, ctx, "pool"));
        r.register(DeformablePool2d.class, DeformablePoolExport::convert);
        r.register(PoolingTokenMixer.class, OperatorConverters::poolingTokenMixer);
        r.register(Mlp.class, OperatorConverters::mlp);
        r.register(MultiHeadSelfAttention.class, OperatorConverters::attention);
        r.register(TransformerBlock.class, OperatorConverters::transformerBlock);
        r.register(EfficientTransformerBlock.class, OperatorConverters::transformerBlock);
    }

    /** PConv: split the channels, convolve the first c_p, concatenate (both modes' math). */
    private static List<String> partialConv(Block block, List<String> in, ExportContext ctx) {
        PartialConv2d p = (PartialConv2d) block;
        Block conv = ctx.requireChild(p, "partial_conv3");
        int cp = p.getPartialChannels();
        int rest = p.getChannels() - cp;
        if (rest == 0) {
            return List.of(ctx.convert1(conv, "partial_conv3", in.get(0)));
        }
        List<String> parts = Ops.split(ctx, in.get(0), 1, cp, rest);
        String head = ctx.convert1(conv, "partial_conv3", parts.get(0));
        return List.of(Ops.concat(ctx, 1, head, parts.get(1)));
    }

    private static List<String> fasterNetBlock(Block block, List<String> in, ExportContext ctx) {
        String x = in.get(0);
        String y = Ops.chain(ctx, block, x, "spatial_mixing", "mlp_expand", "mlp_project");
        if (ExportContext.optChild(block, "layer_scale") != null) {
            y = ctx.child(block, "layer_scale", y);
        }
        return List.of(ctx.op("Add", List.of(x, y)));
    }

    private static List<String> convNeXtBlock(Block block, List<String> in, ExportContext ctx) {
        String x = in.get(0);
        String y = Ops.transpose(ctx, ctx.child(block, "dwconv", x), 0, 2, 3, 1);
        y = ctx.child(block, "norm", y);
        y = Ops.act(ctx, ctx.child(block, "pwconv1", y), Act.GELU);
        y = ctx.child(block, "pwconv2", y);
        if (ExportContext.optChild(block, "gamma") != null) {
            y = ctx.child(block, "gamma", y);
        }
        y = Ops.transpose(ctx, y, 0, 3, 1, 2);
        return List.of(ctx.op("Add", List.of(x, y)));
    }

    private static List<String> rexNetBlock(Block block, List<String> in, ExportContext ctx) {
        ReXNetBlock rb = (ReXNetBlock) block;
        String x = in.get(0);
        Block exp = ExportContext.optChild(rb, "conv_exp");
        ConvBn dw = (ConvBn) ctx.requireChild(rb, "conv_dw");
        ConvBn pwl = (ConvBn) ctx.requireChild(rb, "conv_pwl");
        String y = exp == null ? x : ctx.convert1(exp, "conv_exp", x);
        y = ctx.convert1(dw, "conv_dw", y);
        if (ExportContext.optChild(rb, "se") != null) {
            y = ctx.child(rb, "se", y);
        }
        y = ctx.convert1(pwl, "conv_pwl", Ops.act(ctx, y, Act.RELU6));
        if (!rb.hasShortcut()) {
            return List.of(y);
        }
        int inChannels = exp == null ? dw.getInChannels() : ((ConvBn) exp).getInChannels();
        int outChannels = pwl.getOutChannels();
        if (inChannels == outChannels) {
            return List.of(ctx.op("Add", List.of(y, x)));
        }
        // ReXNet's partial residual: the input is added to the first C_in output channels.
        List<String> parts = Ops.split(ctx, y, 1, inChannels, outChannels - inChannels);
        String head = ctx.op("Add", List.of(parts.get(0), x));
        return List.of(Ops.concat(ctx, 1, head, parts.get(1)));
    }

    private static List<String> bottleneck(
            Block block, List<String> in, ExportContext ctx, String spatial) {
        AbstractBottleneck b = (AbstractBottleneck) block;
        String x = in.get(0);
        String y = Ops.chain(ctx, b, x, "conv1", spatial, "conv3");
        if (ExportContext.optChild(b, "se") != null) {
            y = ctx.child(b, "se", y);
        }
        String shortcut =
                ExportContext.optChild(b, "downsample") == null ? x : ctx.child(b, "downsample", x);
        return List.of(ctx.op("Relu", List.of(ctx.op("Add", List.of(y, shortcut)))));
    }

    /**
     * The pooling token mixer on (N, L, D) tokens: linear, act, spatial op on the grid, act,
     * linear.
     */
    private static List<String> poolingTokenMixer(Block block, List<String> in, ExportContext ctx) {
        PoolingTokenMixer p = (PoolingTokenMixer) block;
        String x = in.get(0);
        long len = ctx.shape(x).get(1);
        long side = Math.round(Math.sqrt(len));
        if (side * side != len) {
            throw new UnsupportedExportException(
                    ctx.path() + ": expects a square token grid but has L = " + len);
        }
        Block qkv = ctx.requireChild(p, "qkv");
        long hidden = ctx.paramShape(qkv, "weight")[0];
        String y = Ops.act(ctx, ctx.convert1(qkv, "qkv", x), p.getAct());
        String map = Ops.reshape(ctx, Ops.transpose(ctx, y, 0, 2, 1), 0, hidden, side, side);
        if (p.getSpatial() == PoolingTokenMixer.Spatial.MAX_POOL) {
            long k = p.getKernel();
            long pad = k / 2;
            map =
                    ctx.op(
                            "MaxPool",
                            List.of(map),
                            Attr.ints("kernel_shape", k, k),
                            Attr.ints("strides", 1, 1),
                            Attr.ints("pads", pad, pad, pad, pad));
        } else {
            map = ctx.child(p, "dwconv", map);
        }
        y = Ops.transpose(ctx, Ops.reshape(ctx, map, 0, hidden, len), 0, 2, 1);
        return List.of(ctx.child(p, "proj", Ops.act(ctx, y, p.getAct())));
    }

    private static List<String> mlp(Block block, List<String> in, ExportContext ctx) {
        String y = Ops.act(ctx, ctx.child(block, "fc1", in.get(0)), ((Mlp) block).getAct());
        return List.of(ctx.child(block, "fc2", y));
    }

    private static List<String> attention(Block block, List<String> in, ExportContext ctx) {
        MultiHeadSelfAttention a = (MultiHeadSelfAttention) block;
        String x = in.get(0);
        long len = ctx.shape(x).get(1);
        long dim = a.getDim();
        long heads = a.getHeads();
        long headDim = dim / heads;
        String qkv = Ops.reshape(ctx, ctx.child(a, "qkv", x), 0, len, 3, heads, headDim);
        qkv = Ops.transpose(ctx, qkv, 2, 0, 3, 1, 4);
        List<String> parts = Ops.split(ctx, qkv, 0, 1, 1, 1);
        String axis0 = ctx.int64s(0);
        String q = ctx.op("Squeeze", List.of(parts.get(0), axis0));
        String k = ctx.op("Squeeze", List.of(parts.get(1), axis0));
        String v = ctx.op("Squeeze", List.of(parts.get(2), axis0));
        q = ctx.op("Mul", List.of(q, ctx.graph().scalar((float) (1.0 / Math.sqrt(headDim)))));
        String scores = ctx.op("MatMul", List.of(q, Ops.transpose(ctx, k, 0, 1, 3, 2)));
        String attn = ctx.op("Softmax", List.of(scores), Attr.i("axis", -1));
        String out = Ops.transpose(ctx, ctx.op("MatMul", List.of(attn, v)), 0, 2, 1, 3);
        out = Ops.reshape(ctx, out, 0, len, dim);
        return List.of(ctx.child(a, "proj", out));
    }

    private static List<String> transformerBlock(Block block, List<String> in, ExportContext ctx) {
        String x = in.get(0);
        String y = Ops.chain(ctx, block, x, "norm1", "attn");
        x = ctx.op("Add", List.of(x, y));
        y = Ops.chain(ctx, block, x, "norm2", "mlp");
        return List.of(ctx.op("Add", List.of(x, y)));
    }
}
