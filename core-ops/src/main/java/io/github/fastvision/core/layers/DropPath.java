package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;

/**
 * Stochastic depth (Huang et al. 2016) applied per sample: during training each sample's residual
 * branch is zeroed with probability {@code rate} and the survivors are scaled by 1/(1 − rate), so
 * the expectation is unchanged. At inference it is the identity.
 */
public class DropPath extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final float rate;

    /**
     * Creates a drop-path block.
     *
     * @param rate drop probability in [0, 1)
     */
    public DropPath(float rate) {
        super(VERSION);
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("drop path rate must be in [0, 1) but was " + rate);
        }
        this.rate = rate;
    }

    /**
     * Returns the drop probability.
     *
     * @return the rate
     */
    public float getRate() {
        return rate;
    }

    /**
     * Applies drop path to one array.
     *
     * @param x the residual branch, batch first
     * @param rate drop probability
     * @param training whether this is a training pass
     * @return the masked and rescaled branch, or {@code x} itself at inference
     */
    public static NDArray apply(NDArray x, float rate, boolean training) {
        if (!training || rate == 0f) {
            return x;
        }
        float keep = 1f - rate;
        long[] maskShape = new long[x.getShape().dimension()];
        java.util.Arrays.fill(maskShape, 1L);
        maskShape[0] = x.getShape().get(0);
        NDArray mask =
                x.getManager()
                        .randomUniform(0f, 1f, new Shape(maskShape), x.getDataType())
                        .lt(keep)
                        .toType(x.getDataType(), false)
                        .div(keep);
        return x.mul(mask);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(inputs.singletonOrThrow(), rate, training));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return new Cost(0, 0, input);
    }
}
