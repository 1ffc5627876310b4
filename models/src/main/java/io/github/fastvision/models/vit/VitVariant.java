package io.github.fastvision.models.vit;

import io.github.fastvision.models.PaperReference;

/**
 * ViT-S/16 and PiT-S with pflayer's efficient-transformer variants (pflayer §4.2, Table 6, appendix
 * A; authors' vit_pf.py / pit_pf.py; timm's vit_small_patch16_224 and pit_s_224 for the baselines).
 */
public enum VitVariant {
    /** ViT-S/16 with class token, attention in every block. */
    VIT_SMALL(
            "vit_small",
            Kind.VIT,
            Mixer.ATTENTION,
            384,
            new int[] {12},
            new int[] {6},
            16,
            16,
            0.1f,
            PaperReference.of("22", "4.6", "thesis Table 4.2 (ViT-S)"),
            ""),
    /** ViT-S with every odd block's attention replaced by 3×3 max-pool, GAP head. */
    VIT_SMALL_MAXPOOL(
            "vit_small_maxpool",
            Kind.VIT,
            Mixer.MAX_POOL,
            384,
            new int[] {12},
            new int[] {6},
            16,
            16,
            0.1f,
            null,
            "pflayer Table 6 reports no params/FLOPs; counts from the authors' vit_pf.py layout"),
    /** ViT-S with every odd block's attention replaced by a 5×5 depthwise conv, GAP head. */
    VIT_SMALL_DWCONV(
            "vit_small_dwconv",
            Kind.VIT,
            Mixer.DWCONV,
            384,
            new int[] {12},
            new int[] {6},
            16,
            16,
            0.1f,
            null,
            "pflayer Table 6 reports no params/FLOPs; dw-conv variant is not in the released code"),
    /** PiT-S with class token. */
    PIT_SMALL(
            "pit_small",
            Kind.PIT,
            Mixer.ATTENTION,
            48,
            new int[] {2, 6, 4},
            new int[] {3, 6, 12},
            16,
            8,
            0.1f,
            null,
            "pflayer Table 6 reports no params/FLOPs; timm pit_s_224 layout (23.46M)"),
    /** PiT-S with every odd block (per stage) max-pool, no class token, GAP head. */
    PIT_SMALL_MAXPOOL(
            "pit_small_maxpool",
            Kind.PIT,
            Mixer.MAX_POOL,
            48,
            new int[] {2, 6, 4},
            new int[] {3, 6, 12},
            16,
            8,
            0.1f,
            null,
            "pflayer Table 6 reports no params/FLOPs; counts from the authors' pit_pf.py layout"),
    /** Tiny ViT with class token for tests. */
    TEST_VIT(
            "test_vit",
            Kind.VIT,
            Mixer.ATTENTION,
            48,
            new int[] {2},
            new int[] {3},
            16,
            16,
            0.1f,
            null,
            ""),
    /** Tiny max-pool ViT for tests. */
    TEST_VIT_MAXPOOL(
            "test_vit_maxpool",
            Kind.VIT,
            Mixer.MAX_POOL,
            48,
            new int[] {2},
            new int[] {3},
            16,
            16,
            0.1f,
            null,
            ""),
    /** Tiny dw-conv ViT for tests. */
    TEST_VIT_DWCONV(
            "test_vit_dwconv",
            Kind.VIT,
            Mixer.DWCONV,
            48,
            new int[] {2},
            new int[] {3},
            16,
            16,
            0.1f,
            null,
            ""),
    /** Tiny PiT with class token for tests. */
    TEST_PIT(
            "test_pit",
            Kind.PIT,
            Mixer.ATTENTION,
            16,
            new int[] {1, 2, 1},
            new int[] {1, 2, 4},
            16,
            8,
            0.1f,
            null,
            ""),
    /** Tiny max-pool PiT for tests. */
    TEST_PIT_MAXPOOL(
            "test_pit_maxpool",
            Kind.PIT,
            Mixer.MAX_POOL,
            16,
            new int[] {2, 2, 2},
            new int[] {1, 2, 4},
            16,
            8,
            0.1f,
            null,
            "");

    /** Plain or pooling-based vision transformer. */
    public enum Kind {
        /** One stage at stride 16, position embedding per token. */
        VIT,
        /** Three stages (strides 8, 16, 32) with depthwise-conv pooling, spatial positions. */
        PIT
    }

    /** What the odd blocks use instead of attention. */
    public enum Mixer {
        /** Attention everywhere, class token, head on the class token. */
        ATTENTION,
        /** 3×3 max-pool in odd blocks, no class token, GAP head. */
        MAX_POOL,
        /** 5×5 depthwise conv in odd blocks, no class token, GAP head. */
        DWCONV
    }

    private final String zooName;
    private final Kind kind;
    private final Mixer mixer;
    private final int baseDim;
    private final int[] depths;
    private final int[] heads;
    private final int patch;
    private final int stride;
    private final float dropPath;
    private final PaperReference reference;
    private final String note;

    VitVariant(
            String zooName,
            Kind kind,
            Mixer mixer,
            int baseDim,
            int[] depths,
            int[] heads,
            int patch,
            int stride,
            float dropPath,
            PaperReference reference,
            String note) {
        this.zooName = zooName;
        this.kind = kind;
        this.mixer = mixer;
        this.baseDim = baseDim;
        this.depths = depths;
        this.heads = heads;
        this.patch = patch;
        this.stride = stride;
        this.dropPath = dropPath;
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
     * Returns ViT or PiT.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the odd blocks' token mixer.
     *
     * @return the mixer
     */
    public Mixer mixer() {
        return mixer;
    }

    /**
     * Returns the width of stage s: the embedding width for ViT, base × heads for PiT.
     *
     * @param s stage index
     * @return width
     */
    public int dim(int s) {
        return kind == Kind.VIT ? baseDim : baseDim * heads[s];
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
     * Returns attention heads per stage.
     *
     * @return heads
     */
    public int[] heads() {
        return heads.clone();
    }

    /**
     * Returns the patch size.
     *
     * @return patch
     */
    public int patch() {
        return patch;
    }

    /**
     * Returns the patch stride.
     *
     * @return stride
     */
    public int stride() {
        return stride;
    }

    /**
     * Returns the default drop-path rate.
     *
     * @return rate
     */
    public float dropPath() {
        return dropPath;
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
