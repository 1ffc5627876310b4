package io.github.fastvision.onnx.export;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.util.Pair;
import io.github.fastvision.core.layers.ActBlock;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.ConvBnWrapper;
import io.github.fastvision.core.layers.LastAxisLayerNorm;
import io.github.fastvision.core.layers.LayerNorm2d;
import io.github.fastvision.core.layers.LayerScale;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.layers.SqueezeExcite;
import io.github.fastvision.onnx.export.OnnxGraph.Attr;
import java.lang.reflect.Field;
import java.util.List;

/** Converters for DJL's own blocks and the shared layers of {@code core.layers}. */
final class LayerConverters {

    private LayerConverters() {}

    static void register(ConverterRegistry r) {
        r.register(SequentialBlock.class, LayerConverters::sequential);
        r.register(Conv2d.class, (b, in, ctx) -> List.of(Ops.conv(ctx, (Conv2d) b, in.get(0))));
        r.register(Linear.class, (b, in, ctx) -> List.of(Ops.linear(ctx, (Linear) b, in.get(0))));
        r.register(BatchNorm.class, LayerConverters::batchNorm);
        r.register(ConvBn.class, (b, in, ctx) -> List.of(convBn(ctx, (ConvBn) b, in.get(0))));
        r.register(
                ActBlock.class,
                (b, in, ctx) -> List.of(Ops.act(ctx, in.get(0), ((ActBlock) b).getAct())));
        r.register(Pool2d.class, LayerConverters::pool);
        r.register(SqueezeExcite.class, LayerConverters::squeezeExcite);
        r.register(
                LastAxisLayerNorm.class,
                (b, in, ctx) -> List.of(Ops.layerNorm(ctx, (LastAxisLayerNorm) b, in.get(0))));
        r.register(LayerNorm2d.class, LayerConverters::layerNorm2d);
        r.register(LayerScale.class, LayerConverters::layerScale);
        // Drop path is the identity at inference.
        r.register(io.github.fastvision.core.layers.DropPath.class, (b, in, ctx) -> in);
    }

    /**
     * Converts every {@link ConvBnWrapper} subclass: the wrapper runs its inner {@link ConvBn}.
     *
     * @param r the registry
     * @param type the wrapper type
     */
    static void registerWrapper(ConverterRegistry r, Class<? extends ConvBnWrapper> type) {
        r.register(
                type,
                (b, in, ctx) -> List.of(convBn(ctx, ((ConvBnWrapper) b).getConvBn(), in.get(0))));
    }

    private static List<String> sequential(Block block, List<String> inputs, ExportContext ctx) {
        List<String> values = inputs;
        for (Pair<String, Block> c : block.getChildren()) {
            values = ctx.convert(c.getValue(), c.getKey(), values);
        }
        return values;
    }

    /**
     * Conv → BN folded into one biased convolution, W' = W·γ/√(σ²+ε), b' = β − μ·γ/√(σ²+ε), then
     * the activation.
     */
    static String convBn(ExportContext ctx, ConvBn block, String x) {
        Block conv = ctx.requireChild(block, "conv");
        Block bn = ctx.requireChild(block, "bn");
        float[] w = ctx.param(conv, "weight");
        long[] ws = ctx.paramShape(conv, "weight");
        float[] gamma = ctx.param(bn, "gamma");
        float[] beta = ctx.param(bn, "beta");
        float[] mean = ctx.param(bn, "runningMean");
        float[] var = ctx.param(bn, "runningVar");
        int out = (int) ws[0];
        int per = w.length / out;
        float[] folded = new float[w.length];
        float[] bias = new float[out];
        for (int o = 0; o < out; o++) {
            double scale = gamma[o] / Math.sqrt(var[o] + (double) block.getEpsilon());
            for (int i = 0; i < per; i++) {
                folded[o * per + i] = (float) (w[o * per + i] * scale);
            }
            bias[o] = (float) (beta[o] - mean[o] * scale);
        }
        long s = block.getStride();
        long p = block.getPadding();
        String y =
                Ops.conv(
                        ctx,
                        x,
                        folded,
                        ws,
                        bias,
                        new long[] {s, s},
                        new long[] {p, p},
                        new long[] {1, 1},
                        block.getGroups());
        return Ops.act(ctx, y, block.getAct());
    }

    private static List<String> batchNorm(Block block, List<String> inputs, ExportContext ctx) {
        return List.of(
                ctx.op(
                        "BatchNormalization",
                        List.of(
                                inputs.get(0),
                                ctx.paramConstant(block, "gamma"),
                                ctx.paramConstant(block, "beta"),
                                ctx.paramConstant(block, "runningMean"),
                                ctx.paramConstant(block, "runningVar")),
                        Attr.f("epsilon", batchNormEpsilon(ctx, (BatchNorm) block))));
    }

    /**
     * DJL's BatchNorm exposes no getter for its epsilon; it is read from the field so a block built
     * with {@code optEpsilon} exports exactly.
     */
    private static float batchNormEpsilon(ExportContext ctx, BatchNorm bn) {
        try {
            Field f = BatchNorm.class.getDeclaredField("epsilon");
            f.setAccessible(true);
            return f.getFloat(bn);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new UnsupportedExportException(
                    ctx.path() + ": cannot read DJL BatchNorm's epsilon (" + e + ")");
        }
    }

    private static List<String> pool(Block block, List<String> inputs, ExportContext ctx) {
        Pool2d pool = (Pool2d) block;
        long k = pool.getKernel();
        long s = pool.getStride();
        long p = pool.getPadding();
        Attr[] attrs = {
            Attr.ints("kernel_shape", k, k),
            Attr.ints("strides", s, s),
            Attr.ints("pads", p, p, p, p)
        };
        if (pool.getMode() == Pool2d.Mode.MAX) {
            return List.of(ctx.op("MaxPool", inputs, attrs));
        }
        // Pool2d's average counts the zero padding (libtorch's count_include_pad=True).
        return List.of(
                ctx.op(
                        "AveragePool",
                        inputs,
                        attrs[0],
                        attrs[1],
                        attrs[2],
                        Attr.i("count_include_pad", 1)));
    }

    private static List<String> squeezeExcite(Block block, List<String> inputs, ExportContext ctx) {
        SqueezeExcite se = (SqueezeExcite) block;
        String x = inputs.get(0);
        String s = ctx.op("GlobalAveragePool", List.of(x));
        s = ctx.child(se, "fc1", s);
        Block bn = ExportContext.optChild(se, "bn");
        if (bn != null) {
            s = ctx.convert1(bn, "bn", s);
        }
        s = Ops.act(ctx, s, se.getInnerAct());
        s = Ops.act(ctx, ctx.child(se, "fc2", s), se.getGate());
        return List.of(ctx.op("Mul", List.of(x, s)));
    }

    private static List<String> layerNorm2d(Block block, List<String> inputs, ExportContext ctx) {
        String t = Ops.transpose(ctx, inputs.get(0), 0, 2, 3, 1);
        String y = Ops.layerNorm(ctx, (LastAxisLayerNorm) block, t);
        return List.of(Ops.transpose(ctx, y, 0, 3, 1, 2));
    }

    private static List<String> layerScale(Block block, List<String> inputs, ExportContext ctx) {
        LayerScale ls = (LayerScale) block;
        float[] g = ctx.param(ls, "gamma");
        String gamma =
                ls.isChannelsFirst()
                        ? ctx.constant(g, 1, g.length, 1, 1)
                        : ctx.constant(g, g.length);
        return List.of(ctx.op("Mul", List.of(inputs.get(0), gamma)));
    }
}
