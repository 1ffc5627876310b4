package io.github.fastvision.models.hrnet;

/**
 * HRNetV2 segmentation widths (Wang et al.; the base of thesis ch. 2). The "W" number is the width
 * of the highest-resolution branch; branch k has W·2^k channels. Stage 1 is four bottlenecks on 64
 * channels; stages 2–4 have 1, 4 and 3 modules of four basic blocks per branch. {@code exitWidth}
 * is the fixed width of the redesigned exits (thesis §2.4.4: 64 for W18, 128 for W48).
 *
 * @see HRNetSeg
 */
public enum HRNetVariant {
    /** HRNetV2-W18. */
    W18("hrnet_w18_seg", 18, 64, 4, 64, new int[] {1, 4, 3}, 4, 64),
    /** HRNetV2-W48. */
    W48("hrnet_w48_seg", 48, 64, 4, 64, new int[] {1, 4, 3}, 4, 128),
    /** A tiny variant with the same structure for tests. */
    TEST("test_hrnet_seg", 4, 8, 1, 4, new int[] {1, 1, 1}, 1, 8);

    private final String zooName;
    private final int width;
    private final int stemWidth;
    private final int stage1Blocks;
    private final int stage1Planes;
    private final int[] modules;
    private final int blocks;
    private final int exitWidth;

    HRNetVariant(
            String zooName,
            int width,
            int stemWidth,
            int stage1Blocks,
            int stage1Planes,
            int[] modules,
            int blocks,
            int exitWidth) {
        this.zooName = zooName;
        this.width = width;
        this.stemWidth = stemWidth;
        this.stage1Blocks = stage1Blocks;
        this.stage1Planes = stage1Planes;
        this.modules = modules;
        this.blocks = blocks;
        this.exitWidth = exitWidth;
    }

    /**
     * Returns the zoo name.
     *
     * @return e.g. "hrnet_w18_seg"
     */
    public String zooName() {
        return zooName;
    }

    /**
     * Returns the highest-resolution branch width W.
     *
     * @return W
     */
    public int width() {
        return width;
    }

    int stemWidth() {
        return stemWidth;
    }

    int stage1Blocks() {
        return stage1Blocks;
    }

    int stage1Planes() {
        return stage1Planes;
    }

    int modules(int stage) {
        return modules[stage - 2];
    }

    int blocks() {
        return blocks;
    }

    /**
     * Returns the redesigned exits' width.
     *
     * @return channels inside an RH exit
     */
    public int exitWidth() {
        return exitWidth;
    }

    /**
     * Returns the channels of the branches of stage s (2–4).
     *
     * @param stage 2, 3 or 4
     * @return W, 2W, … (stage − 1 entries)
     */
    int[] branchChannels(int stage) {
        int[] c = new int[stage];
        for (int k = 0; k < stage; k++) {
            c[k] = width << k;
        }
        return c;
    }
}
