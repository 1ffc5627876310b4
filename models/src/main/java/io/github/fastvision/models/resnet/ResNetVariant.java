package io.github.fastvision.models.resnet;

import io.github.fastvision.core.pflayer.ParameterFreeOp;
import io.github.fastvision.models.PaperReference;

/**
 * ResNet baselines and pflayer's parameter-free ResNets (pflayer Tables 2–4, B.1; torchvision's
 * ResNet v1.5 layout): blocks per stage, base width, SE reduction, which bottleneck goes where, and
 * which parameter-free op the efficient bottlenecks use.
 */
public enum ResNetVariant {
    /** ResNet-50. */
    RESNET50(
            "resnet50",
            Origin.TORCHVISION,
            new int[] {3, 4, 6, 3},
            64,
            0,
            BlockPattern.REGULAR,
            ParameterFreeOp.MAX_POOL,
            "25.6",
            "4.1",
            "pflayer Table 3",
            ""),
    /** ResNet-101. */
    RESNET101(
            "resnet101",
            Origin.TORCHVISION,
            new int[] {3, 4, 23, 3},
            64,
            0,
            BlockPattern.REGULAR,
            ParameterFreeOp.MAX_POOL,
            "44.6",
            "7.8",
            "pflayer Table 4",
            ""),
    /** Wide-ResNet-50-2. */
    WIDE_RESNET50_2(
            "wide_resnet50_2",
            Origin.TORCHVISION,
            new int[] {3, 4, 6, 3},
            128,
            0,
            BlockPattern.REGULAR,
            ParameterFreeOp.MAX_POOL,
            "68.9",
            "11.4",
            "pflayer Table 4",
            ""),
    /** Wide-ResNet-101-2. */
    WIDE_RESNET101_2(
            "wide_resnet101_2",
            Origin.TORCHVISION,
            new int[] {3, 4, 23, 3},
            128,
            0,
            BlockPattern.REGULAR,
            ParameterFreeOp.MAX_POOL,
            "126.9",
            "22.8",
            "pflayer Table 4",
            ""),
    /** SE-ResNet-50 (reduction 16). */
    RESNET50_SE(
            "resnet50_se",
            Origin.TORCHVISION,
            new int[] {3, 4, 6, 3},
            64,
            16,
            BlockPattern.REGULAR,
            ParameterFreeOp.MAX_POOL,
            "28.1",
            "4.1",
            "pflayer Table 4",
            ""),
    /** ResNet-50 with every bottleneck efficient (E→E→E→E). */
    RESNET50_MAX(
            "resnet50_max",
            Origin.PFLAYER,
            new int[] {3, 4, 6, 3},
            64,
            0,
            BlockPattern.ALL_EFFICIENT,
            ParameterFreeOp.MAX_POOL,
            "14.2",
            "2.2",
            "pflayer Table 3",
            ""),
    /** pflayer's hybrid ResNet-50. */
    RESNET50_HYBRID(
            "resnet50_hybrid",
            Origin.PFLAYER,
            new int[] {3, 4, 6, 3},
            64,
            0,
            BlockPattern.HYBRID,
            ParameterFreeOp.MAX_POOL,
            "17.3",
            "2.6",
            "pflayer Table 3",
            ""),
    /** ResNet-50 with regular and efficient bottlenecks alternating (Table 2 "E/B"). */
    RESNET50_EB(
            "resnet50_eb",
            Origin.PFLAYER,
            new int[] {3, 4, 6, 3},
            64,
            0,
            BlockPattern.ALTERNATING,
            ParameterFreeOp.MAX_POOL,
            null,
            null,
            "pflayer Table 2",
            "Table 2 gives no params/FLOPs and the paper does not fix the alternation phase; B first in every stage is our reading"),
    /** Hybrid ResNet-50 with deformable max-pool in the efficient bottlenecks. */
    RESNET50_DEFORM_MAX(
            "resnet50_deform_max",
            Origin.PFLAYER,
            new int[] {3, 4, 6, 3},
            64,
            0,
            BlockPattern.HYBRID,
            ParameterFreeOp.DEFORM_MAX,
            "18.0",
            "2.9",
            "pflayer Table 3",
            "offset predictor with DCNv2 modulation (3·k·k outputs), which the paper's 18.0M requires"),
    /** Hybrid ResNet-50 with deformable avg-pool. */
    RESNET50_DEFORM_AVG(
            "resnet50_deform_avg",
            Origin.PFLAYER,
            new int[] {3, 4, 6, 3},
            64,
            0,
            BlockPattern.HYBRID,
            ParameterFreeOp.DEFORM_AVG,
            "18.0",
            "2.9",
            "pflayer Table B.1",
            "offset predictor with DCNv2 modulation (3·k·k outputs), which the paper's 18.0M requires"),
    /** Hybrid ResNet-101. */
    RESNET101_HYBRID(
            "resnet101_hybrid",
            Origin.PFLAYER,
            new int[] {3, 4, 23, 3},
            64,
            0,
            BlockPattern.HYBRID,
            ParameterFreeOp.MAX_POOL,
            "26.3",
            "4.3",
            "pflayer Table 4",
            ""),
    /** Hybrid Wide-ResNet-50-2. */
    WIDE_RESNET50_2_HYBRID(
            "wide_resnet50_2_hybrid",
            Origin.PFLAYER,
            new int[] {3, 4, 6, 3},
            128,
            0,
            BlockPattern.HYBRID,
            ParameterFreeOp.MAX_POOL,
            "36.0",
            "5.4",
            "pflayer Table 4",
            ""),
    /** Hybrid Wide-ResNet-101-2. */
    WIDE_RESNET101_2_HYBRID(
            "wide_resnet101_2_hybrid",
            Origin.PFLAYER,
            new int[] {3, 4, 23, 3},
            128,
            0,
            BlockPattern.HYBRID,
            ParameterFreeOp.MAX_POOL,
            "53.9",
            "8.9",
            "pflayer Table 4",
            ""),
    /** Hybrid SE-ResNet-50 (SE kept in every bottleneck, efficient ones included). */
    RESNET50_SE_HYBRID(
            "resnet50_se_hybrid",
            Origin.PFLAYER,
            new int[] {3, 4, 6, 3},
            64,
            16,
            BlockPattern.HYBRID,
            ParameterFreeOp.MAX_POOL,
            "19.9",
            "2.6",
            "pflayer Table 4",
            ""),
    /** Tiny regular ResNet for tests. */
    TEST_RESNET(
            "test_resnet",
            Origin.TORCHVISION,
            new int[] {1, 2, 1, 1},
            64,
            0,
            BlockPattern.REGULAR,
            ParameterFreeOp.MAX_POOL,
            null,
            null,
            null,
            "",
            8),
    /**
     * Tiny hybrid with max-pool, as in the authors' resnet_pf.py, for tests and import fixtures.
     */
    TEST_RESNET_HYBRID(
            "test_resnet_hybrid",
            Origin.PFLAYER,
            new int[] {1, 2, 1, 1},
            64,
            0,
            BlockPattern.HYBRID,
            ParameterFreeOp.MAX_POOL,
            null,
            null,
            null,
            "",
            8),
    /** Tiny hybrid with deformable max-pool and SE for tests. */
    TEST_RESNET_DEFORM(
            "test_resnet_deform",
            Origin.PFLAYER,
            new int[] {1, 2, 2, 1},
            64,
            16,
            BlockPattern.HYBRID,
            ParameterFreeOp.DEFORM_MAX,
            null,
            null,
            null,
            "",
            8),
    /** Tiny all-efficient and alternating layout for tests. */
    TEST_RESNET_EB(
            "test_resnet_eb",
            Origin.PFLAYER,
            new int[] {2, 2, 1, 1},
            64,
            0,
            BlockPattern.ALTERNATING,
            ParameterFreeOp.DEFORM_AVG,
            null,
            null,
            null,
            "",
            8);

    /**
     * Whose design a variant is, which decides its family and its checkpoints' naming: the
     * torchvision baselines ({@link ResNetFamily}, "ResNet") or pflayer's parameter-free ResNets
     * ({@link ParameterFreeResNetFamily}, "pf-ResNet", named as the authors' resnet_pf.py).
     */
    public enum Origin {
        /** torchvision's ResNet v1.5, Wide-ResNet and SE-ResNet baselines. */
        TORCHVISION,
        /** pflayer's ResNets with efficient (parameter-free) bottlenecks. */
        PFLAYER
    }

    private final String zooName;
    private final Origin origin;
    private final int[] depths;
    private final int baseWidth;
    private final int seReduction;
    private final BlockPattern pattern;
    private final ParameterFreeOp op;
    private final PaperReference reference;
    private final String note;
    private final int stemWidth;

    ResNetVariant(
            String zooName,
            Origin origin,
            int[] depths,
            int baseWidth,
            int seReduction,
            BlockPattern pattern,
            ParameterFreeOp op,
            String params,
            String gflops,
            String source,
            String note) {
        this(
                zooName,
                origin,
                depths,
                baseWidth,
                seReduction,
                pattern,
                op,
                params,
                gflops,
                source,
                note,
                64);
    }

    /**
     * Test variants pass a narrower stem (8: planes 8/16/32/64) to keep tests and fixtures small.
     */
    ResNetVariant(
            String zooName,
            Origin origin,
            int[] depths,
            int baseWidth,
            int seReduction,
            BlockPattern pattern,
            ParameterFreeOp op,
            String params,
            String gflops,
            String source,
            String note,
            int stemWidth) {
        this.zooName = zooName;
        this.origin = origin;
        this.depths = depths;
        this.baseWidth = baseWidth;
        this.seReduction = seReduction;
        this.pattern = pattern;
        this.op = op;
        this.reference = params == null ? null : PaperReference.of(params, gflops, source);
        this.note = note;
        this.stemWidth = stemWidth;
    }

    /**
     * Returns the stem width; stage s has planes stemWidth · 2^s (64 for every paper model).
     *
     * @return stem width
     */
    public int stemWidth() {
        return stemWidth;
    }

    /**
     * Returns the width table: per bottleneck, in stage and block order, the channels inside it
     * that no other block shares. A regular bottleneck has two, the outputs of {@code conv1} (1×1)
     * and of {@code conv2} (3×3); an efficient bottleneck one, the outputs of {@code conv1}, which
     * its parameter-free op keeps and {@code conv3} reads. Each is planes × baseWidth / 64. The
     * block outputs (planes × 4) are shared with the shortcuts and are not in the table.
     *
     * @return the widths
     */
    public int[] defaultWidths() {
        java.util.List<Integer> widths = new java.util.ArrayList<>();
        for (int s = 0; s < depths.length; s++) {
            int width = (stemWidth << s) * baseWidth / 64;
            for (int j = 0; j < depths[s]; j++) {
                int stride = j == 0 && s > 0 ? 2 : 1;
                widths.add(width);
                if (pattern.kind(j, stride) != BlockPattern.Kind.EFFICIENT) {
                    widths.add(width);
                }
            }
        }
        return widths.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Returns the zoo name.
     *
     * @return the name
     */
    public String zooName() {
        return zooName;
    }

    /**
     * Returns whose design the variant is.
     *
     * @return the origin
     */
    public Origin origin() {
        return origin;
    }

    /**
     * Returns blocks per stage.
     *
     * @return depths
     */
    public int[] depths() {
        return depths.clone();
    }

    /**
     * Returns the base width (64, or 128 for the wide variants).
     *
     * @return base width
     */
    public int baseWidth() {
        return baseWidth;
    }

    /**
     * Returns the SE reduction (0: none).
     *
     * @return reduction
     */
    public int seReduction() {
        return seReduction;
    }

    /**
     * Returns the block layout.
     *
     * @return the pattern
     */
    public BlockPattern pattern() {
        return pattern;
    }

    /**
     * Returns the efficient bottlenecks' spatial op.
     *
     * @return the op
     */
    public ParameterFreeOp op() {
        return op;
    }

    /**
     * Returns the paper's numbers.
     *
     * @return the reference, or null
     */
    public PaperReference reference() {
        return reference;
    }

    /**
     * Returns the zoo-table note.
     *
     * @return the note
     */
    public String note() {
        return note;
    }
}
