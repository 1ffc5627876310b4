package io.github.fastvision.models.fasternet;

import io.github.fastvision.core.fasternet.FasterNetBlock;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.models.ChannelGroups;
import io.github.fastvision.models.PaperReference;

/**
 * FasterNet variants (fasternet Table 8 and the official cfg files): embedding width, blocks per
 * stage, drop-path rate, activation, and the paper's params/FLOPs.
 */
public enum FasterNetVariant {
    /** FasterNet-T0. */
    T0("fasternet_t0", 40, new int[] {1, 2, 8, 2}, 0.0f, Act.GELU, "3.9", "0.34"),
    /** FasterNet-T1. */
    T1("fasternet_t1", 64, new int[] {1, 2, 8, 2}, 0.02f, Act.GELU, "7.6", "0.85"),
    /** FasterNet-T2. */
    T2("fasternet_t2", 96, new int[] {1, 2, 8, 2}, 0.05f, Act.RELU, "15.0", "1.90"),
    /** FasterNet-S. */
    S("fasternet_s", 128, new int[] {1, 2, 13, 2}, 0.1f, Act.RELU, "31.1", "4.55"),
    /** FasterNet-M. */
    M("fasternet_m", 144, new int[] {3, 4, 18, 3}, 0.2f, Act.RELU, "53.5", "8.72"),
    /** FasterNet-L. */
    L("fasternet_l", 192, new int[] {3, 4, 18, 3}, 0.3f, Act.RELU, "93.4", "15.49"),
    /** Tiny variant for tests: every code path of the family at a fraction of the cost. */
    TEST("test_fasternet", 16, new int[] {1, 1, 2, 1}, 0.1f, Act.GELU, null, null);

    /** Width of the head's 1×1 conv after pooling (feature_dim in the official cfgs). */
    public static final int FEATURE_DIM = 1280;

    private final String zooName;
    private final int embedDim;
    private final int[] depths;
    private final float dropPath;
    private final Act act;
    private final PaperReference reference;

    FasterNetVariant(
            String zooName,
            int embedDim,
            int[] depths,
            float dropPath,
            Act act,
            String params,
            String gflops) {
        this.zooName = zooName;
        this.embedDim = embedDim;
        this.depths = depths;
        this.dropPath = dropPath;
        this.act = act;
        this.reference =
                params == null ? null : PaperReference.of(params, gflops, "fasternet Table 8");
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
     * Returns the first stage's width.
     *
     * @return embedding width
     */
    public int embedDim() {
        return embedDim;
    }

    /**
     * Returns the blocks per stage.
     *
     * @return depths
     */
    public int[] depths() {
        return depths.clone();
    }

    /**
     * Returns the width table: per block, in stage and block order, the MLP's hidden width
     * (mlp_ratio 2 × the stage width). The stage widths (PConv and block outputs, shared with the
     * residual sums) are not in the table.
     *
     * @return one width per block
     */
    public int[] defaultWidths() {
        return ChannelGroups.perBlock(
                depths, s -> (int) ((embedDim << s) * FasterNetBlock.DEFAULT_MLP_RATIO));
    }

    /**
     * Returns the default stochastic-depth rate.
     *
     * @return drop-path rate
     */
    public float dropPath() {
        return dropPath;
    }

    /**
     * Returns the activation in the blocks and the head.
     *
     * @return activation
     */
    public Act act() {
        return act;
    }

    /**
     * Returns the paper's numbers.
     *
     * @return the reference, or null for the test variant
     */
    public PaperReference reference() {
        return reference;
    }
}
