package io.github.fastvision.core.runtime;

import ai.djl.nn.Block;
import ai.djl.util.Pair;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.layers.BatchNormFolding;
import io.github.fastvision.core.pconv.PartialConv2d;

/**
 * The inference fast path for any block tree (FasterNet §4 measures latency this way): BN folded
 * into the preceding convolutions, PConv in {@link PartialConv2d.Mode#SLICING}, no autograd on the
 * calling thread and, for a {@link MemoryFormatAware} model, its input converted to the memory
 * format measured fastest for it (channels-last for models dominated by depthwise convolutions).
 * Outputs equal the eval-mode outputs within float rounding; {@link #exit(Block)} restores the
 * training path. It changes nothing outside the block tree and the calling thread: glibc's
 * allocator, which matters most for speed on CPU, is tuned only where an application asks for it
 * ({@link NativeAllocator#tune()}).
 *
 * <p>Alternative measured on libtorch 2.7.1 and not kept: DJL's oneDNN tensor layout ({@code
 * ai.djl.pytorch.use_mkldnn}) fails on matrix products ({@code aten::mm} has no MkldnnCPU kernel).
 */
public final class InferenceMode {

    private InferenceMode() {}

    /**
     * Switches a block tree to the fast path. Autograd is turned off on the calling thread only:
     * call it (or {@link Autograd#disable()}) on every inference thread.
     *
     * @param root an initialized block
     * @return how many conv-BN pairs were folded
     */
    public static int enter(Block root) {
        MemoryFormat format =
                root instanceof MemoryFormatAware
                        ? ((MemoryFormatAware) root).preferredMemoryFormat()
                        : MemoryFormat.CONTIGUOUS;
        return enter(root, format);
    }

    /**
     * Switches a block tree to the fast path with a given input memory format (ignored unless the
     * root is {@link MemoryFormatAware}), for measuring one format against the other.
     *
     * @param root an initialized block
     * @param format the memory format the root converts its input to
     * @return how many conv-BN pairs were folded
     */
    public static int enter(Block root, MemoryFormat format) {
        Autograd.disable();
        setPConvMode(root, PartialConv2d.Mode.SLICING);
        if (root instanceof MemoryFormatAware) {
            ((MemoryFormatAware) root).setMemoryFormat(format);
        }
        return BatchNormFolding.fold(root);
    }

    /**
     * Restores BN and PConv's autograd-safe mode for training.
     *
     * @param root the block
     */
    public static void exit(Block root) {
        if (root instanceof MemoryFormatAware) {
            ((MemoryFormatAware) root).setMemoryFormat(MemoryFormat.CONTIGUOUS);
        }
        BatchNormFolding.unfold(root);
        setPConvMode(root, PartialConv2d.Mode.SPLIT_CAT);
    }

    /**
     * Sets the mode of every PConv in a block tree.
     *
     * @param root the block
     * @param mode the mode
     * @return how many PConvs were switched
     */
    public static int setPConvMode(Block root, PartialConv2d.Mode mode) {
        int n = 0;
        if (root instanceof PartialConv2d) {
            ((PartialConv2d) root).setMode(mode);
            n++;
        }
        for (Pair<String, Block> child : root.getChildren()) {
            n += setPConvMode(child.getValue(), mode);
        }
        return n;
    }
}
