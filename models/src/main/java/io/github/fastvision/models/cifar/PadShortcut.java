package io.github.fastvision.models.cifar;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Checks;

/**
 * The parameter-free shortcut of the CIFAR ResNets ("option A", He et al. 2016a §4.2, as the
 * L1-norm code builds it): average-pool by the stride, then zero channels appended up to the output
 * width (or the first channels kept when the output is narrower, as a uniformly narrowed model
 * needs).
 */
public final class PadShortcut extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final int stride;
    private final int outChannels;

    /**
     * Creates the shortcut.
     *
     * @param stride the block's stride, 1 or 2
     * @param outChannels the block's output channels, >= 1
     */
    public PadShortcut(int stride, int outChannels) {
        super(VERSION);
        this.stride = Checks.atLeast("stride", stride, 1);
        this.outChannels = Checks.atLeast("outChannels", outChannels, 1);
    }

    /** {@inheritDoc} */
    /**
     * Returns the average-pooling stride (1: none).
     *
     * @return the stride
     */
    public int getStride() {
        return stride;
    }

    /**
     * Returns the output channel count (zero-padded or cut to it).
     *
     * @return the channels
     */
    public int getOutChannels() {
        return outChannels;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (stride > 1) {
            x =
                    Pool.avgPool2d(
                            x,
                            new Shape(stride, stride),
                            new Shape(stride, stride),
                            new Shape(0, 0),
                            false,
                            true);
        }
        long c = x.getShape().get(1);
        if (c > outChannels) {
            return new NDList(x.get(new NDIndex(":, :{}", outChannels)));
        }
        if (c < outChannels) {
            Shape s = x.getShape();
            NDArray zeros =
                    x.getManager()
                            .zeros(
                                    new Shape(s.get(0), outChannels - c, s.get(2), s.get(3)),
                                    x.getDataType());
            return new NDList(x.concat(zeros, 1));
        }
        return new NDList(x);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        return new Shape[] {
            new Shape(in.get(0), outChannels, in.get(2) / stride, in.get(3) / stride)
        };
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return new Cost(0, 0, getOutputShapes(new Shape[] {input})[0]);
    }
}
