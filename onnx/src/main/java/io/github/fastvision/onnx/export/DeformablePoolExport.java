package io.github.fastvision.onnx.export;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.github.fastvision.core.layers.Pool2d;
import io.github.fastvision.core.pflayer.DeformablePool2d;
import io.github.fastvision.onnx.export.OnnxGraph.Attr;
import java.util.List;

/**
 * ONNX graphs of {@link DeformablePool2d}: the offsets convolution, bilinear samples of every
 * window tap (zeros outside the image, as the block's corner validity does), modulated by
 * 2·sigmoid(m), then averaged or maximized over the taps (max ignores taps outside the image and
 * gives 0 where none is inside, as the block does). The samples can be taken in three ways ({@link
 * Formulation}); ONNX Runtime runs them at very different speeds, which {@code
 * DeformablePoolOnnxBenchmark} measures.
 *
 * <p>Sampling positions are summed in the block's order ((offset + tap) + window origin), so that
 * the float positions, and with them the inside-the-image decisions of max pooling, are the block's
 * own bit for bit; given the same offsets every formulation samples as fastvision's kernel does
 * within float rounding ({@code DeformablePoolExportTest}). The offsets themselves come from ONNX
 * Runtime's Conv, whose rounding differs from libtorch's; a sampled value moves by its spatial
 * gradient times that position error, so with activations and offsets in the hundreds the two
 * engines (like fastvision's own two paths) differ more.
 */
public final class DeformablePoolExport {

    /** How the exported graph samples the displaced window taps. */
    public enum Formulation {
        /**
         * One {@code RoiAlign} (average mode, one bilinear sample per 1×1 region) over every tap of
         * every position, on the input padded by one zero pixel: the padding makes ONNX Runtime's
         * border clamping equal zero padding, and the bilinear weights are computed once per tap
         * and reused over the channels. Then modulation, the outside-the-image mask and one
         * reduction over the taps.
         */
        ROI_ALIGN,
        /**
         * One {@code GridSample} over every tap of every position (a grid of k²·Ho × Wo points),
         * then modulation, the outside-the-image mask and one reduction over the taps.
         */
        GRID_SAMPLE,
        /**
         * Integer {@code Gather} of the four bilinear corners of every tap from channels-last rows
         * of the zero-padded input (corner positions clamped into the padding, so no validity
         * mask), weighted by the bilinear weights times the modulation and summed over the corners
         * by one batched {@code MatMul} (…, 1, 4) × (…, 4, C), then the reduction over the taps.
         * The fastest of the three in ONNX Runtime, and still several times slower than
         * fastvision's Java kernel: the four corners of every tap go to memory and back.
         */
        GATHER
    }

    /** The int64 element type of ONNX tensors. */
    private static final int INT64 = 7;

    /** The formulation the exporter writes (the fastest in ONNX Runtime). */
    public static final Formulation DEFAULT = Formulation.GATHER;

    private DeformablePoolExport() {}

    /**
     * Returns a converter writing the given formulation, for {@link ConverterRegistry#register}.
     *
     * @param formulation how to sample
     * @return the converter
     */
    public static BlockConverter converter(Formulation formulation) {
        return (block, in, ctx) -> convert((DeformablePool2d) block, in.get(0), ctx, formulation);
    }

    /**
     * Exports one pool as a model of its own: input {@link OnnxExporter#INPUT} (N, C, H, W), output
     * {@link OnnxExporter#OUTPUT}, the pooled map.
     *
     * @param pool an initialized pool
     * @param input the input shape (its batch is made dynamic)
     * @param formulation how to sample
     * @return the serialized ONNX model
     */
    public static byte[] standalone(DeformablePool2d pool, Shape input, Formulation formulation) {
        ConverterRegistry registry =
                ConverterRegistry.defaults()
                        .register(DeformablePool2d.class, converter(formulation));
        OnnxGraph graph = new OnnxGraph();
        ExportContext ctx = new ExportContext(graph, registry, "pool");
        String x = graph.input(OnnxExporter.INPUT, input.get(1), input.get(2), input.get(3));
        ctx.setShape(x, new Shape(1, input.get(1), input.get(2), input.get(3)));
        String out = ctx.convert(pool, "pool", List.of(x)).get(0);
        Shape os = pool.getOutputShapes(new Shape[] {input})[0];
        graph.output(graph.identity(out, OnnxExporter.OUTPUT), os.get(1), os.get(2), os.get(3));
        return graph.toModel(
                "deformable_pool",
                OnnxExporter.DEFAULT_OPSET,
                "fastvision",
                OnnxExporter.version(),
                java.util.Map.of());
    }

    /**
     * Exports the plain pooling a deformable pool extends ({@code MaxPool} or {@code AveragePool}
     * with k/2 zero padding counted in the mean), the floor a deformable pool is measured against.
     *
     * @param mode max or avg
     * @param input the input shape (its batch is made dynamic)
     * @param kernel the window size
     * @param stride the stride
     * @return the serialized ONNX model
     */
    public static byte[] plainPool(Pool2d.Mode mode, Shape input, int kernel, int stride) {
        OnnxGraph graph = new OnnxGraph();
        String x = graph.input(OnnxExporter.INPUT, input.get(1), input.get(2), input.get(3));
        long pad = kernel / 2;
        String y =
                mode == Pool2d.Mode.MAX
                        ? graph.node(
                                "MaxPool",
                                "pool",
                                List.of(x),
                                Attr.ints("kernel_shape", kernel, kernel),
                                Attr.ints("strides", stride, stride),
                                Attr.ints("pads", pad, pad, pad, pad))
                        : graph.node(
                                "AveragePool",
                                "pool",
                                List.of(x),
                                Attr.ints("kernel_shape", kernel, kernel),
                                Attr.ints("strides", stride, stride),
                                Attr.ints("pads", pad, pad, pad, pad),
                                Attr.i("count_include_pad", 1));
        long ho = (input.get(2) + 2 * pad - kernel) / stride + 1;
        long wo = (input.get(3) + 2 * pad - kernel) / stride + 1;
        graph.output(graph.identity(y, OnnxExporter.OUTPUT), input.get(1), ho, wo);
        return graph.toModel(
                "plain_pool",
                OnnxExporter.DEFAULT_OPSET,
                "fastvision",
                OnnxExporter.version(),
                java.util.Map.of());
    }

    static List<String> convert(Block block, List<String> in, ExportContext ctx) {
        return convert((DeformablePool2d) block, in.get(0), ctx, DEFAULT);
    }

    private static List<String> convert(
            DeformablePool2d d, String x, ExportContext ctx, Formulation formulation) {
        Geometry g = new Geometry(d, ctx.shape(x));
        String offsets = ctx.convert1(d.getOffsetConv(), "offset_conv", x);
        String off = d.isModulated() ? Ops.slice(ctx, offsets, 1, 0, 2L * g.taps) : offsets;
        off = Ops.reshape(ctx, off, 0, g.taps, 2, g.ho, g.wo);
        List<String> dyx = Ops.split(ctx, off, 2, 1, 1);
        String dy = Ops.reshape(ctx, dyx.get(0), 0, g.taps, g.ho, g.wo);
        String dx = Ops.reshape(ctx, dyx.get(1), 0, g.taps, g.ho, g.wo);
        float[] tapRow = new float[g.taps];
        float[] tapCol = new float[g.taps];
        for (int t = 0; t < g.taps; t++) {
            tapRow[t] = t / g.k;
            tapCol[t] = t % g.k;
        }
        float[] rows = new float[(int) g.ho];
        for (int i = 0; i < g.ho; i++) {
            rows[i] = i * g.stride - g.pad;
        }
        float[] cols = new float[(int) g.wo];
        for (int j = 0; j < g.wo; j++) {
            cols[j] = j * g.stride - g.pad;
        }
        // (N, k², Ho, Wo) sampling positions in input pixels.
        String py =
                add(
                        ctx,
                        add(ctx, dy, ctx.constant(tapRow, 1, g.taps, 1, 1)),
                        ctx.constant(rows, 1, 1, g.ho, 1));
        String px =
                add(
                        ctx,
                        add(ctx, dx, ctx.constant(tapCol, 1, g.taps, 1, 1)),
                        ctx.constant(cols, 1, 1, 1, g.wo));
        String modulation = null;
        if (d.isModulated()) {
            String m = Ops.slice(ctx, offsets, 1, 2L * g.taps, 3L * g.taps);
            modulation = mul(ctx, ctx.op("Sigmoid", List.of(m)), ctx.graph().scalar(2f));
        }
        switch (formulation) {
            case GRID_SAMPLE:
                return List.of(gridSample(ctx, g, d.getMode(), x, py, px, modulation));
            case GATHER:
                return List.of(gather(ctx, g, d.getMode(), x, py, px, modulation));
            case ROI_ALIGN:
            default:
                return List.of(roiAlign(ctx, g, d.getMode(), x, py, px, modulation));
        }
    }

    /** Sizes of one pool on one input. */
    private static final class Geometry {
        final long c;
        final long h;
        final long w;
        final long ho;
        final long wo;
        final int k;
        final int stride;
        final int pad;
        final int taps;

        Geometry(DeformablePool2d d, Shape xs) {
            Shape os = d.getOutputShapes(new Shape[] {xs})[0];
            c = xs.get(1);
            h = xs.get(2);
            w = xs.get(3);
            ho = os.get(2);
            wo = os.get(3);
            k = d.getKernel();
            stride = d.getStride();
            pad = k / 2;
            taps = k * k;
        }
    }

    private static String roiAlign(
            ExportContext ctx,
            Geometry g,
            Pool2d.Mode mode,
            String x,
            String py,
            String px,
            String modulation) {
        long positions = g.ho * g.wo;
        String padded = ctx.op("Pad", List.of(x, ctx.int64s(0, 0, 1, 1, 0, 0, 1, 1)));
        // half_pixel: a region from c + 1.5 to c + 1.5 (in padded pixels: c + 1 is the sample)
        // has its one sample at its start, c + 1.
        String cy = add(ctx, py, ctx.graph().scalar(1.5f));
        String cx = add(ctx, px, ctx.graph().scalar(1.5f));
        String last = ctx.int64s(-1);
        String box =
                Ops.concat(
                        ctx,
                        -1,
                        unsqueeze(ctx, cx, last),
                        unsqueeze(ctx, cy, last),
                        unsqueeze(ctx, cx, last),
                        unsqueeze(ctx, cy, last));
        String rois = Ops.reshape(ctx, box, -1, 4);
        String sampled =
                ctx.op(
                        "RoiAlign",
                        List.of(padded, rois, batchIndices(ctx, x, g.taps * positions)),
                        Attr.s("coordinate_transformation_mode", "half_pixel"),
                        Attr.s("mode", "avg"),
                        Attr.i("output_height", 1),
                        Attr.i("output_width", 1),
                        Attr.i("sampling_ratio", 1),
                        Attr.f("spatial_scale", 1f));
        // (N·k²·Ho·Wo, C, 1, 1) in (n, tap, position) order -> (N, k², Ho·Wo, C).
        sampled = Ops.reshape(ctx, sampled, -1, g.taps, positions, g.c);
        String perTap = null;
        if (modulation != null) {
            perTap = Ops.reshape(ctx, modulation, 0, g.taps, positions, 1);
        }
        String pooled = reduceTaps(ctx, g, mode, sampled, perTap, py, px, 1, positions, 1);
        // (N, Ho·Wo, C) -> (N, C, Ho, Wo).
        return Ops.reshape(ctx, Ops.transpose(ctx, pooled, 0, 2, 1), 0, g.c, g.ho, g.wo);
    }

    private static String gridSample(
            ExportContext ctx,
            Geometry g,
            Pool2d.Mode mode,
            String x,
            String py,
            String px,
            String modulation) {
        // align_corners=0: normalized g = (2p + 1) / size − 1 samples pixel coordinate p exactly,
        // for any size (align_corners=1 divides by size − 1).
        String gy = normalized(ctx, py, g.h);
        String gx = normalized(ctx, px, g.w);
        String last = ctx.int64s(-1);
        String grid = Ops.concat(ctx, -1, unsqueeze(ctx, gx, last), unsqueeze(ctx, gy, last));
        grid = Ops.reshape(ctx, grid, 0, g.taps * g.ho, g.wo, 2);
        String sampled =
                ctx.op(
                        "GridSample",
                        List.of(x, grid),
                        Attr.s("mode", "bilinear"),
                        Attr.s("padding_mode", "zeros"),
                        Attr.i("align_corners", 0));
        // (N, C, k²·Ho, Wo) -> (N, C, k², Ho·Wo).
        long positions = g.ho * g.wo;
        sampled = Ops.reshape(ctx, sampled, 0, g.c, g.taps, positions);
        String perTap = null;
        if (modulation != null) {
            perTap = Ops.reshape(ctx, modulation, 0, 1, g.taps, positions);
        }
        String pooled = reduceTaps(ctx, g, mode, sampled, perTap, py, px, 2, 1, positions);
        return Ops.reshape(ctx, pooled, 0, g.c, g.ho, g.wo);
    }

    private static String gather(
            ExportContext ctx,
            Geometry g,
            Pool2d.Mode mode,
            String x,
            String py,
            String px,
            String modulation) {
        long hp = g.h + 2;
        long wp = g.w + 2;
        long positions = g.ho * g.wo;
        String padded = ctx.op("Pad", List.of(x, ctx.int64s(0, 0, 1, 1, 0, 0, 1, 1)));
        // Channels-last rows of all images: (N·(H+2)·(W+2), C).
        String rowsCl = Ops.reshape(ctx, Ops.transpose(ctx, padded, 0, 2, 3, 1), -1, g.c);
        String y0 = ctx.op("Floor", List.of(py));
        String x0 = ctx.op("Floor", List.of(px));
        String ly = sub(ctx, py, y0);
        String lx = sub(ctx, px, x0);
        String one = ctx.graph().scalar(1f);
        String[] wy = {sub(ctx, one, ly), ly};
        String[] wx = {sub(ctx, one, lx), lx};
        // Image n's first row: n·(H+2)·(W+2), as float (exact below 2^24) shaped (N, 1, 1, 1).
        String base =
                mul(
                        ctx,
                        ctx.op(
                                "Cast",
                                List.of(batchIndices(ctx, x, 1)),
                                Attr.i("to", OnnxGraph.FLOAT)),
                        ctx.graph().scalar((float) (hp * wp)));
        base = Ops.reshape(ctx, base, -1, 1, 1, 1);
        String[] index = new String[4];
        String[] weight = new String[4];
        for (int dy = 0; dy <= 1; dy++) {
            // Corner rows clamped into the zero padding: an outside corner reads a zero.
            String yc =
                    ctx.op(
                            "Clip",
                            List.of(
                                    add(ctx, y0, ctx.graph().scalar(dy + 1f)),
                                    ctx.graph().scalar(0f),
                                    ctx.graph().scalar((float) (hp - 1))));
            for (int dx = 0; dx <= 1; dx++) {
                String xc =
                        ctx.op(
                                "Clip",
                                List.of(
                                        add(ctx, x0, ctx.graph().scalar(dx + 1f)),
                                        ctx.graph().scalar(0f),
                                        ctx.graph().scalar((float) (wp - 1))));
                String flat = add(ctx, add(ctx, mul(ctx, yc, ctx.graph().scalar(wp)), xc), base);
                index[2 * dy + dx] = unsqueeze(ctx, flat, ctx.int64s(-1));
                String wt = mul(ctx, wy[dy], wx[dx]);
                if (modulation != null) {
                    wt = mul(ctx, wt, modulation);
                }
                weight[2 * dy + dx] = unsqueeze(ctx, wt, ctx.int64s(-1));
            }
        }
        // (N, k², Ho, Wo, 4) corner rows and weights.
        String idx = ctx.op("Cast", List.of(Ops.concat(ctx, -1, index)), Attr.i("to", INT64));
        String wts = Ops.concat(ctx, -1, weight);
        String corners = ctx.op("Gather", List.of(rowsCl, idx), Attr.i("axis", 0));
        // (N, k², Ho, Wo, 1, 4) weights times (N, k², Ho, Wo, 4, C) corners: one batched product
        // sums the weighted corners -> (N, k², Ho, Wo, 1, C).
        String sampled = ctx.op("MatMul", List.of(unsqueeze(ctx, wts, ctx.int64s(-2)), corners));
        sampled = Ops.reshape(ctx, sampled, 0, g.taps, positions, g.c);
        String pooled = reduceTaps(ctx, g, mode, sampled, null, py, px, 1, positions, 1);
        return Ops.reshape(ctx, Ops.transpose(ctx, pooled, 0, 2, 1), 0, g.c, g.ho, g.wo);
    }

    /**
     * Reduces the tap axis of the samples: modulation (when given, shaped to broadcast over the
     * samples), then the mean, or the maximum over the taps inside the image (0 where none is).
     *
     * <p>{@code tapAxis} is the samples' tap axis; a tap axis of 1 takes the (N, k², Ho, Wo) inside
     * mask shaped (N, k², maskPositions, maskInner), any other (N, 1, k², Ho·Wo).
     */
    private static String reduceTaps(
            ExportContext ctx,
            Geometry g,
            Pool2d.Mode mode,
            String sampled,
            String perTap,
            String py,
            String px,
            long tapAxis,
            long maskPositions,
            long maskInner) {
        String s = perTap == null ? sampled : mul(ctx, sampled, perTap);
        if (mode == Pool2d.Mode.AVG) {
            return ctx.op(
                    "ReduceMean", List.of(s), Attr.ints("axes", tapAxis), Attr.i("keepdims", 0));
        }
        String inside =
                and(
                        ctx,
                        and(ctx, greater(ctx, py, -1), less(ctx, py, g.h)),
                        and(ctx, greater(ctx, px, -1), less(ctx, px, g.w)));
        String bias =
                ctx.op(
                        "Where",
                        List.of(
                                inside,
                                ctx.graph().scalar(0f),
                                ctx.graph().scalar(Float.NEGATIVE_INFINITY)));
        // (N, k², Ho, Wo) -> the samples' layout; GridSample's has a channel axis first.
        bias =
                tapAxis == 1
                        ? Ops.reshape(ctx, bias, 0, g.taps, maskPositions, maskInner)
                        : Ops.reshape(ctx, bias, 0, 1, g.taps, g.ho * g.wo);
        // A sample is finite, so adding 0 leaves it exact and adding −∞ removes it.
        String masked = add(ctx, s, bias);
        String max =
                ctx.op(
                        "ReduceMax",
                        List.of(masked),
                        Attr.ints("axes", tapAxis),
                        Attr.i("keepdims", 0));
        return ctx.op("Where", List.of(ctx.op("IsInf", List.of(max)), ctx.graph().scalar(0f), max));
    }

    /** (count·N) int64 image indices, n repeated count times, for a batch read off {@code x}. */
    private static String batchIndices(ExportContext ctx, String x, long count) {
        String axis0 = ctx.int64s(0);
        String n = ctx.op("Slice", List.of(ctx.op("Shape", List.of(x)), axis0, ctx.int64s(1)));
        String images =
                ctx.op(
                        "Range",
                        List.of(
                                ctx.op("Squeeze", List.of(axis0, axis0)),
                                ctx.op("Squeeze", List.of(n, axis0)),
                                ctx.op("Squeeze", List.of(ctx.int64s(1), axis0))));
        String each =
                ctx.op(
                        "Expand",
                        List.of(
                                Ops.reshape(ctx, images, -1, 1),
                                Ops.concat(ctx, 0, n, ctx.int64s(count))));
        return Ops.reshape(ctx, each, -1);
    }

    private static String normalized(ExportContext ctx, String p, long size) {
        String twoP1 = add(ctx, mul(ctx, p, ctx.graph().scalar(2f)), ctx.graph().scalar(1f));
        return sub(
                ctx,
                ctx.op("Div", List.of(twoP1, ctx.graph().scalar(size))),
                ctx.graph().scalar(1f));
    }

    private static String unsqueeze(ExportContext ctx, String x, String axes) {
        return ctx.op("Unsqueeze", List.of(x, axes));
    }

    private static String add(ExportContext ctx, String a, String b) {
        return ctx.op("Add", List.of(a, b));
    }

    private static String sub(ExportContext ctx, String a, String b) {
        return ctx.op("Sub", List.of(a, b));
    }

    private static String mul(ExportContext ctx, String a, String b) {
        return ctx.op("Mul", List.of(a, b));
    }

    private static String greater(ExportContext ctx, String a, float b) {
        return ctx.op("Greater", List.of(a, ctx.graph().scalar(b)));
    }

    private static String less(ExportContext ctx, String a, float b) {
        return ctx.op("Less", List.of(a, ctx.graph().scalar(b)));
    }

    private static String and(ExportContext ctx, String a, String b) {
        return ctx.op("And", List.of(a, b));
    }
}
