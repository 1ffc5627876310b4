package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;

/**
 * Layer normalization over the last axis, with PyTorch's parameter names {@code weight} and {@code
 * bias} (ViT tokens, ConvNeXt blocks after the NHWC permute). For NCHW maps use {@link
 * LayerNorm2d}.
 */
public class LastAxisLayerNorm extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final int channels;
    private final float epsilon;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates a layer norm.
     *
     * @param channels the size of the normalized axis
     * @param epsilon the variance epsilon
     */
    public LastAxisLayerNorm(int channels, float epsilon) {
        super(VERSION);
        this.channels = Checks.atLeast("channels", channels, 1);
        this.epsilon = epsilon;
        weight =
                addParameter(
                        Parameter.builder()
                                .setName("weight")
                                .setType(Parameter.Type.GAMMA)
                                .optShape(new Shape(channels))
                                .build());
        bias =
                addParameter(
                        Parameter.builder()
                                .setName("bias")
                                .setType(Parameter.Type.BETA)
                                .optShape(new Shape(channels))
                                .build());
    }

    /**
     * Normalizes the last axis.
     *
     * @param ps the parameter store
     * @param x input whose last axis has {@link #getChannels()} entries
     * @param training whether this is a training pass
     * @return the normalized array
     */
    protected NDArray normalizeLastAxis(ParameterStore ps, NDArray x, boolean training) {
        NDArray w = ps.getValue(weight, x.getDevice(), training);
        NDArray b = ps.getValue(bias, x.getDevice(), training);
        return LayerNorm.layerNorm(x, new Shape(channels), w, b, epsilon).singletonOrThrow();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        if (s.dimension() < 2 || s.get(s.dimension() - 1) != channels) {
            throw new IllegalArgumentException(
                    "LayerNorm expects input of shape (..., " + channels + ") but got " + s);
        }
        return new NDList(normalizeLastAxis(ps, x, training));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inputs;
    }

    /**
     * Returns the normalized width.
     *
     * @return channels
     */
    public int getChannels() {
        return channels;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return new Cost(2L * channels, 0, input);
    }

    /**
     * Returns the epsilon (read by exporters that rebuild the block's math).
     *
     * @return the epsilon
     */
    public float getEpsilon() {
        return epsilon;
    }
}
