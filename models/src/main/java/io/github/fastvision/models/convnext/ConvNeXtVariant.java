package io.github.fastvision.models.convnext;

import io.github.fastvision.core.convnext.ConvNeXtBlock;
import io.github.fastvision.models.ChannelGroups;
import io.github.fastvision.models.PaperReference;

/**
 * ConvNeXt variants (thesis ch. 4, Tables 4.1 and 4.2; official convnext.py and
 * convnext_isotropic.py): blocks and widths per stage, default drop path (thesis Table 4.5),
 * layer-scale initial value (0 disables it, as for isotropic S/B).
 */
public enum ConvNeXtVariant {
    /** ConvNeXt-T. */
    TINY(
            "convnext_tiny",
            new int[] {3, 3, 9, 3},
            new int[] {96, 192, 384, 768},
            0.1f,
            1e-6f,
            "28.6",
            "4.5",
            "thesis Table 4.1"),
    /** ConvNeXt-S. */
    SMALL(
            "convnext_small",
            new int[] {3, 3, 27, 3},
            new int[] {96, 192, 384, 768},
            0.4f,
            1e-6f,
            "50",
            "8.7",
            "thesis Table 4.1"),
    /** ConvNeXt-B. */
    BASE(
            "convnext_base",
            new int[] {3, 3, 27, 3},
            new int[] {128, 256, 512, 1024},
            0.5f,
            1e-6f,
            "89",
            "15.4",
            "thesis Table 4.1"),
    /** ConvNeXt-L. */
    LARGE(
            "convnext_large",
            new int[] {3, 3, 27, 3},
            new int[] {192, 384, 768, 1536},
            0.5f,
            1e-6f,
            "198",
            "34.4",
            "thesis Table 4.1"),
    /** ConvNeXt-XL. */
    XLARGE(
            "convnext_xlarge",
            new int[] {3, 3, 27, 3},
            new int[] {256, 512, 1024, 2048},
            0.5f,
            1e-6f,
            "350",
            "60.9",
            "thesis Table 4.1"),
    /** Isotropic ConvNeXt-S: one stage of 18 blocks at stride 16, no layer scale. */
    ISO_SMALL(
            "convnext_iso_small",
            new int[] {18},
            new int[] {384},
            0.1f,
            0f,
            "22",
            "4.3",
            "thesis Table 4.2"),
    /** Isotropic ConvNeXt-B. */
    ISO_BASE(
            "convnext_iso_base",
            new int[] {18},
            new int[] {768},
            0.2f,
            0f,
            "87",
            "16.9",
            "thesis Table 4.2"),
    /** Isotropic ConvNeXt-L (trained with layer scale 1e-6). */
    ISO_LARGE(
            "convnext_iso_large",
            new int[] {36},
            new int[] {1024},
            0.5f,
            1e-6f,
            "306",
            "59.7",
            "thesis Table 4.2"),
    /** Tiny hierarchical variant for tests. */
    TEST(
            "test_convnext",
            new int[] {1, 1, 2, 1},
            new int[] {8, 16, 32, 64},
            0.1f,
            1e-6f,
            null,
            null,
            null),
    /** Tiny isotropic variant for tests. */
    TEST_ISO("test_convnext_iso", new int[] {2}, new int[] {32}, 0.1f, 1e-6f, null, null, null);

    private final String zooName;
    private final int[] depths;
    private final int[] dims;
    private final float dropPath;
    private final float layerScale;
    private final PaperReference reference;

    ConvNeXtVariant(
            String zooName,
            int[] depths,
            int[] dims,
            float dropPath,
            float layerScale,
            String params,
            String gflops,
            String source) {
        this.zooName = zooName;
        this.depths = depths;
        this.dims = dims;
        this.dropPath = dropPath;
        this.layerScale = layerScale;
        this.reference = params == null ? null : PaperReference.of(params, gflops, source);
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
     * Returns the blocks per stage.
     *
     * @return depths
     */
    public int[] depths() {
        return depths.clone();
    }

    /**
     * Returns the widths per stage.
     *
     * @return widths
     */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * Returns the width table: per block, in stage and block order, the MLP's hidden width (4 × the
     * stage width). The stage widths (block outputs, shared with the residual sums) are not in the
     * table.
     *
     * @return one width per block
     */
    public int[] defaultWidths() {
        return ChannelGroups.perBlock(depths, s -> ConvNeXtBlock.DEFAULT_EXPANSION * dims[s]);
    }

    /**
     * Returns whether this is the isotropic (single-stage, patch 16) design.
     *
     * @return true for the isotropic variants
     */
    public boolean isIsotropic() {
        return depths.length == 1;
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
     * Returns the layer-scale initial value (0: none).
     *
     * @return initial value
     */
    public float layerScale() {
        return layerScale;
    }

    /**
     * Returns the paper's numbers.
     *
     * @return the reference, or null for test variants
     */
    public PaperReference reference() {
        return reference;
    }
}
