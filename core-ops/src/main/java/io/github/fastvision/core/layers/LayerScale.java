package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;

/**
 * Learnable per-channel scale (CaiT's layer scale; ConvNeXt uses it with 1e-6, thesis §4.3). The
 * parameter is named {@code gamma}, as in the official ConvNeXt code.
 */
public class LayerScale extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final int channels;
    private final boolean channelsFirst;
    private final Parameter gamma;

    private LayerScale(Builder b) {
        super(VERSION);
        this.channels = Checks.atLeast("channels", b.channels, 1);
        this.channelsFirst = b.channelsFirst;
        if (!Float.isFinite(b.initValue)) {
            throw new IllegalArgumentException("initValue must be finite but was " + b.initValue);
        }
        gamma =
                addParameter(
                        Parameter.builder()
                                .setName("gamma")
                                .setType(Parameter.Type.GAMMA)
                                .optShape(new Shape(channels))
                                .optInitializer(new ConstantInitializer(b.initValue))
                                .build());
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray g = ps.getValue(gamma, x.getDevice(), training);
        if (channelsFirst) {
            Checks.nchw("LayerScale", x, channels);
            // The reshaped view belongs to this call, not to the parameter's manager.
            NDArray column = g.reshape(1, channels, 1, 1);
            column.attach(x.getManager());
            return new NDList(x.mul(column));
        }
        long last = x.getShape().get(x.getShape().dimension() - 1);
        if (last != channels) {
            throw new IllegalArgumentException(
                    "LayerScale expects "
                            + channels
                            + " channels in the last axis but got "
                            + x.getShape());
        }
        return new NDList(x.mul(g));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inputs;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return new Cost(channels, 0, input);
    }

    /**
     * Returns whether the scale applies to axis 1 of (N, C, H, W) rather than the last axis (read
     * by exporters that rebuild the block's math).
     *
     * @return whether the scale applies to axis 1 of (N, C, H, W) rather than the last axis
     */
    public boolean isChannelsFirst() {
        return channelsFirst;
    }

    /** Builder for {@link LayerScale}. */
    public static final class Builder {
        private int channels;
        private float initValue = 1e-6f;
        private boolean channelsFirst = true;

        Builder() {}

        /**
         * Sets the number of channels (required, at least 1).
         *
         * @param c channels
         * @return this builder
         */
        public Builder setChannels(int c) {
            channels = c;
            return this;
        }

        /**
         * Sets the initial scale (default 1e-6, ConvNeXt's).
         *
         * @param value a finite initial value
         * @return this builder
         */
        public Builder optInitValue(float value) {
            initValue = value;
            return this;
        }

        /**
         * Says where the channels are: true for NCHW input (default), false for channels in the
         * last axis.
         *
         * @param enabled whether the channels are axis 1
         * @return this builder
         */
        public Builder optChannelsFirst(boolean enabled) {
            channelsFirst = enabled;
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         * @throws IllegalArgumentException naming the first argument out of its range
         */
        public LayerScale build() {
            return new LayerScale(this);
        }
    }
}
