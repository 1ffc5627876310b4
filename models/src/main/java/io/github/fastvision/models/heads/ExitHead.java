package io.github.fastvision.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
 * A dense-prediction exit on multi-resolution features (thesis §2.3.2–2.3.3): the branches are
 * upsampled to branch 0's resolution and concatenated (HRNet's representation head), then a head
 * maps them to per-pixel class scores at that resolution. Branch k is at 1/2^k of branch 0.
 */
public abstract class ExitHead extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final int[] branchChannels;
    private final int numClasses;

    ExitHead(int[] branchChannels, int numClasses) {
        super(VERSION);
        this.branchChannels = branchChannels.clone();
        this.numClasses = numClasses;
    }

    /**
     * Runs the head.
     *
     * @param ps the parameter store
     * @param branches one (N, C_k, H_k, W_k) map per branch
     * @param training whether this is a training pass
     * @param ctx the pass's context (mask and FLOP count), or null
     * @return (N, K, H_0, W_0) class scores
     */
    public abstract NDArray forward(
            ParameterStore ps, List<NDArray> branches, boolean training, AnytimeContext ctx);

    /**
     * Tells the head that its output at skipped positions is replaced by the previous exit's
     * prediction (carry-over, Eq. 2.7), so its trailing convolutions that only feed those positions
     * need not fill them by interpolation. Outputs at computed positions do not change.
     */
    public abstract void outputIsCarriedOver();

    /**
     * Counts the head for branch-0 input shape (N, C_0, H, W).
     *
     * @param branch0 the shape of branch 0
     * @return the cost
     */
    abstract Cost costAt(Shape branch0);

    /**
     * Returns the channel count after concatenation.
     *
     * @return Σ C_k
     */
    public int concatChannels() {
        int sum = 0;
        for (int c : branchChannels) {
            sum += c;
        }
        return sum;
    }

    /**
     * Returns the branch channels the head expects.
     *
     * @return channels per branch
     */
    public int[] branchChannels() {
        return branchChannels.clone();
    }

    /**
     * Returns the number of classes.
     *
     * @return K
     */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Bilinear resize (align_corners = false), differentiable.
     *
     * @param x (N, C, h, w)
     * @param h target height
     * @param w target width
     * @return (N, C, h, w)
     */
    public static NDArray resize(NDArray x, long h, long w) {
        Shape s = x.getShape();
        if (s.get(2) == h && s.get(3) == w) {
            return x;
        }
        return x.getNDArrayInternal().interpolation(new long[] {h, w}, 1, false);
    }

    /**
     * Upsamples every branch to branch 0's size and concatenates along channels.
     *
     * @param branches the branches
     * @return (N, Σ C_k, H_0, W_0)
     */
    protected NDArray concat(List<NDArray> branches) {
        if (branches.size() != branchChannels.length) {
            throw new IllegalArgumentException(
                    "exit expects "
                            + branchChannels.length
                            + " feature branches but got "
                            + branches.size());
        }
        if (branches.size() == 1) {
            return branches.get(0);
        }
        Shape s0 = branches.get(0).getShape();
        NDList up = new NDList(branches.size());
        for (NDArray b : branches) {
            up.add(resize(b, s0.get(2), s0.get(3)));
        }
        return NDArrays.concat(up, 1);
    }

    /**
     * The concatenated input shape for a branch-0 shape.
     *
     * @param branch0 (N, C_0, H, W)
     * @return (N, Σ C_k, H, W)
     */
    protected Shape concatShape(Shape branch0) {
        return new Shape(branch0.get(0), concatChannels(), branch0.get(2), branch0.get(3));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, new ArrayList<>(inputs), training, null));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), numClasses, s.get(2), s.get(3))};
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return costAt(input);
    }
}
