package io.github.fastvision.models.cifar;

import io.github.fastvision.models.PaperReference;

/**
 * The 32×32 (CIFAR-style) networks of thesis chapter 3 (Liu et al., "Rethinking the Value of
 * Network Pruning", §3.4.2), one row per variant: the layout, blocks per stage and the stage widths
 * of the original code (github:Eric-mingjie/rethinking-network-pruning). The per-layer widths
 * derived from these ({@link #defaultWidths()}) are the architecture; a pruned model is the same
 * row at other widths ({@link io.github.fastvision.models.ModelOptions#widths()}).
 */
public enum CifarVariant {
    /** VGG-11 with BN, network-slimming layout (8 convs, one linear classifier). */
    VGG11_BN_CIFAR(
            "vgg11_bn_cifar",
            Layout.VGG,
            new int[] {1, 1, 2, 2, 2},
            new int[] {64, 128, 256, 512, 512},
            null,
            null,
            null,
            ""),
    /** VGG-16 with BN (13 convs); the L1-norm paper counts it with a 512-512 classifier. */
    VGG16_BN_CIFAR(
            "vgg16_bn_cifar",
            Layout.VGG,
            new int[] {2, 2, 3, 3, 3},
            new int[] {64, 128, 256, 512, 512},
            "15",
            "0.313",
            "Li et al. 2017 Table 1 (1.5×10^7 params, 3.13×10^8 FLOPs)",
            ""),
    /** VGG-19 with BN (16 convs), network slimming's VGGNet. */
    VGG19_BN_CIFAR(
            "vgg19_bn_cifar",
            Layout.VGG,
            new int[] {2, 2, 4, 4, 4},
            new int[] {64, 128, 256, 512, 512},
            "20.04",
            null,
            "Liu et al. 2017 Table 1 (its 7.97×10^8 FLOPs count multiply and add separately)",
            ""),
    /** ResNet-56 of the L1-norm paper: basic blocks, parameter-free (option A) shortcuts. */
    RESNET56_CIFAR(
            "resnet56_cifar",
            Layout.RESNET,
            new int[] {9, 9, 9},
            new int[] {16, 32, 64},
            "0.85",
            "0.125",
            "Li et al. 2017 Table 1 (8.5×10^5 params, 1.25×10^8 FLOPs)",
            ""),
    /** ResNet-110 of the L1-norm paper. */
    RESNET110_CIFAR(
            "resnet110_cifar",
            Layout.RESNET,
            new int[] {18, 18, 18},
            new int[] {16, 32, 64},
            "1.72",
            "0.253",
            "Li et al. 2017 Table 1 (1.72×10^6 params, 2.53×10^8 FLOPs)",
            ""),
    /** Pre-activation ResNet-56 (He et al. 2016b), basic blocks, 1×1 projection shortcuts. */
    PRERESNET56_CIFAR(
            "preresnet56_cifar",
            Layout.PRERESNET,
            new int[] {9, 9, 9},
            new int[] {16, 32, 64},
            null,
            null,
            null,
            "no printed count; pre-activation ResNet-56 of the rethinking code"),
    /** Pre-activation ResNet-110. */
    PRERESNET110_CIFAR(
            "preresnet110_cifar",
            Layout.PRERESNET,
            new int[] {18, 18, 18},
            new int[] {16, 32, 64},
            "1.7",
            null,
            "He et al. 2016b Table 2 (1.7M)",
            ""),
    /** Pre-activation ResNet-164 with bottlenecks (planes 16/32/64, outputs ×4). */
    PRERESNET164_CIFAR(
            "preresnet164_cifar",
            Layout.PRERESNET_BOTTLENECK,
            new int[] {18, 18, 18},
            new int[] {16, 32, 64},
            "1.70",
            null,
            "Liu et al. 2017 Table 1 (1.70M; its 4.99×10^8 FLOPs count multiply and add)",
            ""),
    /** Tiny VGG for tests. */
    TEST_VGG_CIFAR(
            "test_vgg_cifar",
            Layout.VGG,
            new int[] {1, 2, 1},
            new int[] {4, 8, 8},
            null,
            null,
            null,
            ""),
    /** Tiny post-activation ResNet for tests. */
    TEST_RESNET_CIFAR(
            "test_resnet_cifar",
            Layout.RESNET,
            new int[] {1, 2, 1},
            new int[] {4, 8, 8},
            null,
            null,
            null,
            ""),
    /** Tiny pre-activation ResNet for tests. */
    TEST_PRERESNET_CIFAR(
            "test_preresnet_cifar",
            Layout.PRERESNET,
            new int[] {1, 2, 1},
            new int[] {4, 8, 8},
            null,
            null,
            null,
            ""),
    /** Tiny pre-activation bottleneck ResNet for tests. */
    TEST_PRERESNET_BOTTLENECK_CIFAR(
            "test_preresnet_bottleneck_cifar",
            Layout.PRERESNET_BOTTLENECK,
            new int[] {1, 2, 1},
            new int[] {2, 4, 4},
            null,
            null,
            null,
            "");

    /** How the network is put together. */
    public enum Layout {
        /** conv-BN-ReLU stacks, max-pool between stages, global average pool, one linear. */
        VGG,
        /** conv-BN-ReLU stem, post-activation basic blocks, average-pool-and-zero-pad shortcuts. */
        RESNET,
        /** conv stem, pre-activation basic blocks, 1×1 projection shortcuts, final BN-ReLU. */
        PRERESNET,
        /** conv stem, pre-activation bottlenecks (outputs 4× planes), final BN-ReLU. */
        PRERESNET_BOTTLENECK
    }

    /** Output channels of a bottleneck per plane. */
    static final int EXPANSION = 4;

    private final String zooName;
    private final Layout layout;
    private final int[] depths;
    private final int[] stageWidths;
    private final PaperReference reference;
    private final String note;

    CifarVariant(
            String zooName,
            Layout layout,
            int[] depths,
            int[] stageWidths,
            String params,
            String gflops,
            String source,
            String note) {
        this.zooName = zooName;
        this.layout = layout;
        this.depths = depths;
        this.stageWidths = stageWidths;
        this.reference =
                params == null && gflops == null ? null : PaperReference.of(params, gflops, source);
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
     * Returns the layout.
     *
     * @return the layout
     */
    public Layout layout() {
        return layout;
    }

    /**
     * Returns the blocks (VGG: convolutions) per stage.
     *
     * @return a copy of the depths
     */
    public int[] depths() {
        return depths.clone();
    }

    /**
     * Returns the printed params/FLOPs, counted at 32×32 and 10 classes.
     *
     * @return the reference, or null
     */
    public PaperReference reference() {
        return reference;
    }

    /**
     * Returns the zoo-table note.
     *
     * @return the note, or ""
     */
    public String note() {
        return note;
    }

    /**
     * Returns the number of blocks (VGG: convolutions) over all stages.
     *
     * @return the count
     */
    public int blocks() {
        int n = 0;
        for (int d : depths) {
            n += d;
        }
        return n;
    }

    /**
     * Returns the unpruned width table, the order {@link CifarNet} reads it in:
     *
     * <ul>
     *   <li>VGG: one width per convolution;
     *   <li>ResNet and pre-activation ResNet: the residual width of each stage (the stem's output
     *       is stage 0's), then the inner width of every block;
     *   <li>pre-activation bottleneck ResNet: the stem's width, the residual width of each stage,
     *       then the two inner widths of every block.
     * </ul>
     *
     * @return the widths
     */
    public int[] defaultWidths() {
        int stages = depths.length;
        int[] w;
        int at = 0;
        switch (layout) {
            case VGG:
                w = new int[blocks()];
                for (int s = 0; s < stages; s++) {
                    for (int j = 0; j < depths[s]; j++) {
                        w[at++] = stageWidths[s];
                    }
                }
                return w;
            case PRERESNET_BOTTLENECK:
                w = new int[1 + stages + 2 * blocks()];
                w[at++] = stageWidths[0];
                for (int s = 0; s < stages; s++) {
                    w[at++] = EXPANSION * stageWidths[s];
                }
                for (int s = 0; s < stages; s++) {
                    for (int j = 0; j < depths[s]; j++) {
                        w[at++] = stageWidths[s];
                        w[at++] = stageWidths[s];
                    }
                }
                return w;
            default:
                w = new int[stages + blocks()];
                for (int s = 0; s < stages; s++) {
                    w[at++] = stageWidths[s];
                }
                for (int s = 0; s < stages; s++) {
                    for (int j = 0; j < depths[s]; j++) {
                        w[at++] = stageWidths[s];
                    }
                }
                return w;
        }
    }
}
