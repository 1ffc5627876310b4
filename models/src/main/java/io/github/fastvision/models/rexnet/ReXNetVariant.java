package io.github.fastvision.models.rexnet;

import io.github.fastvision.models.PaperReference;

/**
 * ReXNet variants (rexnet Tables 5, A1, A2; official rexnetv1.py and rexnetv1_lite.py): design and
 * width multiplier.
 */
public enum ReXNetVariant {
    /** ReXNet ×0.9. */
    W090("rexnet_090", Design.V1, 0.9, "4.1", "0.35", "rexnet Table A1", ""),
    /** ReXNet ×1.0. */
    W100("rexnet_100", Design.V1, 1.0, "4.8", "0.40", "rexnet Table 5", ""),
    /** ReXNet ×1.1. */
    W110("rexnet_110", Design.V1, 1.1, "5.6", "0.48", "rexnet Table A1", ""),
    /** ReXNet ×1.2. */
    W120("rexnet_120", Design.V1, 1.2, "6.6", "0.57", "rexnet Table A1", ""),
    /** ReXNet ×1.3. */
    W130("rexnet_130", Design.V1, 1.3, "7.6", "0.66", "rexnet Table 5", ""),
    /** ReXNet ×1.4. */
    W140("rexnet_140", Design.V1, 1.4, "8.6", "0.76", "rexnet Table A1", ""),
    /** ReXNet ×1.5. */
    W150(
            "rexnet_150",
            Design.V1,
            1.5,
            "9.7",
            "0.86",
            "rexnet Table A1",
            "Table 5 prints 0.9 GFLOPs, Table A1 0.86"),
    /** ReXNet ×2.0. */
    W200("rexnet_200", Design.V1, 2.0, "16", "1.5", "rexnet Table 5", ""),
    /** ReXNet ×2.2. */
    W220("rexnet_220", Design.V1, 2.2, "19", "1.8", "rexnet Table A1", ""),
    /** ReXNet ×3.0. */
    W300(
            "rexnet_300",
            Design.V1,
            3.0,
            PaperReference.of("34", "3.4", "rexnet Table A1")
                    .withDeviation(
                            "Table A1 prints 34M; the official rexnetv1.py at ×3.0 has 34.71M (the table truncates)"),
            ""),
    /** ReXNet-plain: MobileNetV1 with linearly reassigned 1×1 widths, SiLU after 1×1 convs. */
    PLAIN(
            "rexnet_plain",
            Design.PLAIN,
            1.0,
            "3.4",
            "0.56",
            "rexnet Table A1",
            "widths are in Fig. A2b only; 96 + 48·i for the twelve reassigned 1×1 convs reproduces 3.4M / 0.56G"),
    /** ReXNet-lite ×1.0. */
    LITE_100("rexnet_lite_100", Design.LITE, 1.0, "4.7", "0.4", "rexnet Table A2", ""),
    /** ReXNet-lite ×1.3. */
    LITE_130("rexnet_lite_130", Design.LITE, 1.3, "6.8", "0.6", "rexnet Table A2", ""),
    /** ReXNet-lite ×1.5. */
    LITE_150("rexnet_lite_150", Design.LITE, 1.5, "8.3", "0.8", "rexnet Table A2", ""),
    /** ReXNet-lite ×2.0. */
    LITE_200("rexnet_lite_200", Design.LITE, 2.0, "13.0", "1.5", "rexnet Table A2", ""),
    /** Narrow ReXNet for tests. */
    TEST("test_rexnet", Design.V1, 0.25, null, null, null, ""),
    /** Narrow ReXNet-lite for tests. */
    TEST_LITE("test_rexnet_lite", Design.LITE, 0.25, null, null, null, "");

    /** The architecture family member. */
    public enum Design {
        /** ReXNet (v1): SiLU expansions, SE from the fourth block, 1280·w head conv. */
        V1,
        /** ReXNet-lite: ReLU6 everywhere, no SE, widths divisible by 8, 1024-wide FC head. */
        LITE,
        /** ReXNet-plain: MobileNetV1 depth, no skips, no SE. */
        PLAIN
    }

    private final String zooName;
    private final Design design;
    private final double width;
    private final PaperReference reference;
    private final String note;

    ReXNetVariant(
            String zooName,
            Design design,
            double width,
            String params,
            String gflops,
            String source,
            String note) {
        this(
                zooName,
                design,
                width,
                params == null ? null : PaperReference.of(params, gflops, source),
                note);
    }

    ReXNetVariant(
            String zooName, Design design, double width, PaperReference reference, String note) {
        this.zooName = zooName;
        this.design = design;
        this.width = width;
        this.reference = reference;
        this.note = note;
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
     * Returns the design.
     *
     * @return the design
     */
    public Design design() {
        return design;
    }

    /**
     * Returns the width multiplier.
     *
     * @return multiplier
     */
    public double width() {
        return width;
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
