package io.github.fastvision.models.hrnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import java.util.ArrayList;
import java.util.List;

/**
 * A block on HRNet's parallel branches: branch k has {@code channels[k]} channels at 1/2^k of
 * branch 0's resolution. DJL's forward takes and returns one array per branch; the anytime path
 * calls {@link #forward(ParameterStore, List, boolean, AnytimeContext)} so that masked convolutions
 * see the pass's confidence mask.
 */
abstract class MultiBranchBlock extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    MultiBranchBlock() {
        super(VERSION);
    }

    /**
     * Runs the block.
     *
     * @param ps the parameter store
     * @param x one (N, C_k, H_k, W_k) array per input branch
     * @param training whether this is a training pass
     * @param ctx the pass's context, or null
     * @return one array per output branch
     */
    abstract List<NDArray> forward(
            ParameterStore ps, List<NDArray> x, boolean training, AnytimeContext ctx);

    /**
     * Returns the input channels per branch.
     *
     * @return channels
     */
    abstract int[] inChannels();

    /**
     * Returns the output channels per branch.
     *
     * @return channels
     */
    abstract int[] outChannels();

    /**
     * Counts params and multiply-adds for branch input shapes.
     *
     * @param in one shape per input branch
     * @return the cost, with the output shape of branch 0
     */
    abstract Cost costBranches(Shape[] in);

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, new ArrayList<>(inputs), training, null));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        int[] out = outChannels();
        Shape b0 = inputs[0];
        Shape[] shapes = new Shape[out.length];
        for (int k = 0; k < out.length; k++) {
            shapes[k] = branchShape(b0, out[k], k);
        }
        return shapes;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        int[] in = inChannels();
        Shape[] shapes = new Shape[in.length];
        for (int k = 0; k < in.length; k++) {
            shapes[k] = branchShape(input, in[k], k);
        }
        return costBranches(shapes);
    }

    /**
     * The shape of branch k given branch 0: each stride-2 3×3 convolution maps a side s to ⌈s/2⌉.
     *
     * @param branch0 (N, C, H, W) of branch 0
     * @param channels branch k's channels
     * @param k branch index
     * @return (N, channels, H_k, W_k)
     */
    static Shape branchShape(Shape branch0, long channels, int k) {
        long h = branch0.get(2);
        long w = branch0.get(3);
        for (int i = 0; i < k; i++) {
            h = (h + 1) / 2;
            w = (w + 1) / 2;
        }
        return new Shape(branch0.get(0), channels, h, w);
    }
}
