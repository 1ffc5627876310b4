package io.github.fastvision.onnx.export;

import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.LastAxisLayerNorm;
import io.github.fastvision.onnx.export.OnnxGraph.Attr;
import java.util.List;

/** Sub-graphs that several converters share: activations, convolutions, linear layers, norms. */
final class Ops {

    private Ops() {}

    /**
     * Applies an activation with standard ONNX operators (exact GELU through Erf, as {@link
     * Act#GELU} is the erf form).
     *
     * @param ctx the export
     * @param x the input
     * @param act the activation
     * @return the activated value
     */
    static String act(ExportContext ctx, String x, Act act) {
        switch (act) {
            case NONE:
                return x;
            case RELU:
                return ctx.op("Relu", List.of(x));
            case RELU6:
                return ctx.op("Clip", List.of(x, ctx.graph().scalar(0f), ctx.graph().scalar(6f)));
            case GELU:
                {
                    // x · (1 + erf(x / √2)) · 0.5 in exactly this order: the pattern ONNX
                    // Runtime's GeluFusion turns into one Gelu kernel (Mul by 1/√2 is not fused).
                    String scaled =
                            ctx.op("Div", List.of(x, ctx.graph().scalar((float) Math.sqrt(2))));
                    String erf = ctx.op("Erf", List.of(scaled));
                    String onePlus = ctx.op("Add", List.of(erf, ctx.graph().scalar(1f)));
                    String times = ctx.op("Mul", List.of(x, onePlus));
                    return ctx.op("Mul", List.of(times, ctx.graph().scalar(0.5f)));
                }
            case SILU:
                return ctx.op("Mul", List.of(x, ctx.op("Sigmoid", List.of(x))));
            case HARD_SWISH:
                return ctx.op("HardSwish", List.of(x));
            case SIGMOID:
                return ctx.op("Sigmoid", List.of(x));
            case HARD_SIGMOID:
                return ctx.op(
                        "HardSigmoid", List.of(x), Attr.f("alpha", 1f / 6), Attr.f("beta", 0.5f));
            default:
                throw new AssertionError(act);
        }
    }

    /**
     * A 2-D convolution from explicit weights.
     *
     * @param ctx the export
     * @param x the input (N, C, H, W)
     * @param weight the kernel, (F, C/groups, kh, kw) row-major
     * @param weightShape its shape
     * @param bias the bias (F), or null
     * @param stride the stride (h, w)
     * @param padding the padding on each side (h, w)
     * @param dilation the dilation (h, w)
     * @param groups the groups
     * @return the output
     */
    static String conv(
            ExportContext ctx,
            String x,
            float[] weight,
            long[] weightShape,
            float[] bias,
            long[] stride,
            long[] padding,
            long[] dilation,
            long groups) {
        String w = ctx.constant(weight, weightShape);
        List<String> in =
                bias == null ? List.of(x, w) : List.of(x, w, ctx.constant(bias, bias.length));
        return ctx.op(
                "Conv",
                in,
                Attr.ints("kernel_shape", weightShape[2], weightShape[3]),
                Attr.ints("strides", stride),
                Attr.ints("pads", padding[0], padding[1], padding[0], padding[1]),
                Attr.ints("dilations", dilation),
                Attr.i("group", groups));
    }

    /**
     * A DJL convolution with its own parameters.
     *
     * @param ctx the export
     * @param conv the convolution
     * @param x the input
     * @return the output
     */
    static String conv(ExportContext ctx, Convolution conv, String x) {
        if (conv.getKernelShape().dimension() != 2) {
            throw new UnsupportedExportException(
                    ctx.path() + ": only 2-D convolutions are exported");
        }
        return conv(
                ctx,
                x,
                ctx.param(conv, "weight"),
                ctx.paramShape(conv, "weight"),
                conv.isIncludeBias() ? ctx.param(conv, "bias") : null,
                conv.getStride().getShape(),
                conv.getPadding().getShape(),
                conv.getDilation().getShape(),
                conv.getGroups());
    }

    /**
     * A DJL linear layer on the last axis of any rank: MatMul with the transposed weight, then Add
     * (ONNX Runtime fuses the pair into Gemm where the input is 2-D).
     *
     * @param ctx the export
     * @param linear the layer
     * @param x the input
     * @return the output
     */
    static String linear(ExportContext ctx, Linear linear, String x) {
        float[] w = ctx.param(linear, "weight");
        long[] ws = ctx.paramShape(linear, "weight");
        boolean bias = ExportContext.hasParam(linear, "bias");
        int out = (int) ws[0];
        int in = (int) ws[1];
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = w[o * in + i];
            }
        }
        String y = ctx.op("MatMul", List.of(x, ctx.constant(t, in, out)));
        return bias ? ctx.op("Add", List.of(y, ctx.paramConstant(linear, "bias"))) : y;
    }

    /**
     * Layer normalization over the last axis.
     *
     * @param ctx the export
     * @param norm the block
     * @param x the input
     * @return the output
     */
    static String layerNorm(ExportContext ctx, LastAxisLayerNorm norm, String x) {
        return ctx.op(
                "LayerNormalization",
                List.of(x, ctx.paramConstant(norm, "weight"), ctx.paramConstant(norm, "bias")),
                Attr.i("axis", -1),
                Attr.f("epsilon", norm.getEpsilon()));
    }

    /**
     * Transposes.
     *
     * @param ctx the export
     * @param x the input
     * @param perm the permutation
     * @return the output
     */
    static String transpose(ExportContext ctx, String x, long... perm) {
        return ctx.op("Transpose", List.of(x), Attr.ints("perm", perm));
    }

    /**
     * Reshapes (0 copies the input's dimension: the batch stays dynamic).
     *
     * @param ctx the export
     * @param x the input
     * @param dims the new shape
     * @return the output
     */
    static String reshape(ExportContext ctx, String x, long... dims) {
        return ctx.op("Reshape", List.of(x, ctx.int64s(dims)));
    }

    /**
     * Slices one axis.
     *
     * @param ctx the export
     * @param x the input
     * @param axis the axis
     * @param start the first index
     * @param end one past the last index
     * @return the output
     */
    static String slice(ExportContext ctx, String x, long axis, long start, long end) {
        return ctx.op("Slice", List.of(x, ctx.int64s(start), ctx.int64s(end), ctx.int64s(axis)));
    }

    /**
     * Splits along an axis.
     *
     * @param ctx the export
     * @param x the input
     * @param axis the axis
     * @param sizes the part sizes
     * @return the parts
     */
    static List<String> split(ExportContext ctx, String x, long axis, long... sizes) {
        return ctx.opN("Split", sizes.length, List.of(x, ctx.int64s(sizes)), Attr.i("axis", axis));
    }

    /**
     * Concatenates along an axis.
     *
     * @param ctx the export
     * @param axis the axis
     * @param parts the parts
     * @return the output
     */
    static String concat(ExportContext ctx, long axis, String... parts) {
        return ctx.op("Concat", List.of(parts), Attr.i("axis", axis));
    }

    /**
     * Converts a block's named children in order, each feeding the next.
     *
     * @param ctx the export
     * @param parent the parent
     * @param x the input
     * @param names the children
     * @return the last child's output
     */
    static String chain(ExportContext ctx, Block parent, String x, String... names) {
        String y = x;
        for (String n : names) {
            y = ctx.child(parent, n, y);
        }
        return y;
    }
}
