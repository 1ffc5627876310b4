package io.github.fastvision.onnx.export;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.util.Pair;
import io.github.fastvision.models.ClassifierHead;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.vit.PatchEmbed;
import io.github.fastvision.models.vit.TransformerStage;
import java.util.ArrayList;
import java.util.List;

/** Converters for the blocks of the {@code models} module: the classifier, its head, ViT parts. */
final class ModelConverters {

    private static final long TO_END = Long.MAX_VALUE;

    private ModelConverters() {}

    static void register(ConverterRegistry r) {
        r.register(VisionModel.class, ModelConverters::visionModel);
        r.register(ClassifierHead.class, ModelConverters::head);
        r.register(PatchEmbed.class, ModelConverters::patchEmbed);
        r.register(TransformerStage.class, ModelConverters::transformerStage);
    }

    private static List<String> visionModel(Block block, List<String> in, ExportContext ctx) {
        VisionModel m = (VisionModel) block;
        List<String> values = in;
        for (Pair<String, Block> c : m.getChildren()) {
            values = ctx.convert(c.getValue(), c.getKey(), values);
        }
        return values;
    }

    private static List<String> head(Block block, List<String> in, ExportContext ctx) {
        ClassifierHead h = (ClassifierHead) block;
        String x;
        if (h.getPooling() == ClassifierHead.Pooling.CLASS_TOKEN) {
            x = Ops.reshape(ctx, in.get(1), 0, h.getFeatures(), 1, 1);
        } else {
            x = in.get(0);
            if (h.getPrePool() != null) {
                x = ctx.convert1(h.getPrePool(), name(h, h.getPrePool()), x);
            }
            x = ctx.op("GlobalAveragePool", List.of(x));
        }
        if (h.getPostPool() != null) {
            x = ctx.convert1(h.getPostPool(), name(h, h.getPostPool()), x);
        }
        x = Ops.reshape(ctx, x, 0, h.getFeatures());
        Block fc = ExportContext.optChild(h, "fc");
        return List.of(fc == null ? x : ctx.convert1(fc, "fc", x));
    }

    private static String name(Block parent, Block child) {
        for (Pair<String, Block> c : parent.getChildren()) {
            if (c.getValue() == child) {
                return c.getKey();
            }
        }
        throw new IllegalStateException("not a child: " + child);
    }

    private static List<String> patchEmbed(Block block, List<String> in, ExportContext ctx) {
        PatchEmbed p = (PatchEmbed) block;
        String map = ctx.child(p, "proj", in.get(0));
        long[] pos = ctx.paramShape(p, "pos_embed");
        long grid = p.getGrid();
        String posEmbed = ctx.paramConstant(p, "pos_embed");
        boolean cls = ExportContext.hasParam(p, "cls_token");
        boolean spatial = pos.length == 4;
        long dim = spatial ? pos[1] : pos[2];
        String token = cls ? classToken(ctx, p, in.get(0), dim) : null;
        if (spatial) {
            map = ctx.op("Add", List.of(map, posEmbed));
            return cls ? List.of(map, token) : List.of(map);
        }
        String tokens = Ops.transpose(ctx, Ops.reshape(ctx, map, 0, dim, grid * grid), 0, 2, 1);
        if (cls) {
            tokens = Ops.concat(ctx, 1, token, tokens);
        }
        tokens = ctx.op("Add", List.of(tokens, posEmbed));
        String patches = cls ? Ops.slice(ctx, tokens, 1, 1, TO_END) : tokens;
        String out = Ops.reshape(ctx, Ops.transpose(ctx, patches, 0, 2, 1), 0, dim, grid, grid);
        return cls ? List.of(out, Ops.slice(ctx, tokens, 1, 0, 1)) : List.of(out);
    }

    /** The class token broadcast to the (dynamic) batch of {@code like}: (N, 1, D). */
    private static String classToken(ExportContext ctx, Block p, String like, long dim) {
        String batch =
                ctx.op(
                        "Slice",
                        List.of(
                                ctx.op("Shape", List.of(like)),
                                ctx.int64s(0),
                                ctx.int64s(1),
                                ctx.int64s(0)));
        String shape = Ops.concat(ctx, 0, batch, ctx.int64s(1, dim));
        return ctx.op("Expand", List.of(ctx.paramConstant(p, "cls_token"), shape));
    }

    private static List<String> transformerStage(Block block, List<String> in, ExportContext ctx) {
        String map = in.get(0);
        String cls = in.size() > 1 ? in.get(1) : null;
        Block poolConv = ExportContext.optChild(block, "pool_conv");
        if (poolConv != null) {
            map = ctx.convert1(poolConv, "pool_conv", map);
            if (cls != null) {
                cls = ctx.child(block, "pool_fc", cls);
            }
        }
        Shape s = ctx.shape(map);
        long dim = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        String tokens = Ops.transpose(ctx, Ops.reshape(ctx, map, 0, dim, h * w), 0, 2, 1);
        if (cls != null) {
            tokens = Ops.concat(ctx, 1, cls, tokens);
        }
        ctx.setShape(tokens, new Shape(1, h * w + (cls != null ? 1 : 0), dim));
        List<Pair<String, Block>> blocks = new ArrayList<>();
        for (Pair<String, Block> c : block.getChildren()) {
            if (ExportContext.stripPosition(c.getKey()).startsWith("blocks_")) {
                blocks.add(c);
            }
        }
        for (Pair<String, Block> b : blocks) {
            tokens = ctx.convert1(b.getValue(), b.getKey(), tokens);
        }
        String patches = cls != null ? Ops.slice(ctx, tokens, 1, 1, TO_END) : tokens;
        String out = Ops.reshape(ctx, Ops.transpose(ctx, patches, 0, 2, 1), 0, dim, h, w);
        return cls != null ? List.of(out, Ops.slice(ctx, tokens, 1, 0, 1)) : List.of(out);
    }
}
