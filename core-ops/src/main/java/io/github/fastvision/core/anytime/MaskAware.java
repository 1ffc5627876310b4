package io.github.fastvision.core.anytime;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A block that runs under an {@link AnytimeContext} (thesis §2.3.3): it computes only the positions
 * the context's mask still marks as computed, fills or leaves the skipped ones, and counts the
 * multiply-adds it spends. Its plain {@code forward} is the unmasked pass.
 */
public interface MaskAware extends Block {

    /**
     * Runs the block under the context's mask (if any) and counts its multiply-adds.
     *
     * @param ps the parameter store
     * @param x the input
     * @param training whether this is a training pass
     * @param ctx the pass's context, or null for a plain uncounted pass
     * @return the output
     */
    NDArray forward(ParameterStore ps, NDArray x, boolean training, AnytimeContext ctx);
}
