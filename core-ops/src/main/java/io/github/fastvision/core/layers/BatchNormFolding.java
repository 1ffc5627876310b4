package io.github.fastvision.core.layers;

import ai.djl.nn.Block;
import ai.djl.util.Pair;

/**
 * Folds every {@link ConvBn} in a block tree for inference (FasterNet §4 measures latency with "BN
 * merged" into the preceding convolution). Outputs stay equal within float rounding.
 */
public final class BatchNormFolding {

    private BatchNormFolding() {}

    /**
     * Folds all conv → BN pairs below {@code root}.
     *
     * @param root an initialized block
     * @return how many pairs were folded
     */
    public static int fold(Block root) {
        int count = 0;
        if (root instanceof ConvBn) {
            ((ConvBn) root).fold();
            count++;
        }
        for (Pair<String, Block> child : root.getChildren()) {
            count += fold(child.getValue());
        }
        return count;
    }

    /**
     * Restores the conv → BN path everywhere below {@code root}.
     *
     * @param root a block
     * @return how many pairs were unfolded
     */
    public static int unfold(Block root) {
        int count = 0;
        if (root instanceof ConvBn && ((ConvBn) root).isFolded()) {
            ((ConvBn) root).unfold();
            count++;
        }
        for (Pair<String, Block> child : root.getChildren()) {
            count += unfold(child.getValue());
        }
        return count;
    }
}
