package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;

/**
 * Base of named layers that are a single non-overlapping patch {@link ConvBn} (FasterNet's
 * embedding and merging), so each keeps its own type and child name while sharing the forward and
 * shape code and one generic {@link BaseBuilder}.
 */
public abstract class ConvBnWrapper extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final ConvBn inner;

    /**
     * Builds the patch conv-BN unit and adds it under the given child name.
     *
     * @param childName the child name (mirrors the official module name)
     * @param b the patch settings
     */
    protected ConvBnWrapper(String childName, BaseBuilder<?> b) {
        super(VERSION);
        this.inner = addChildBlock(childName, b.convBn());
    }

    /**
     * Returns the wrapped conv-BN unit.
     *
     * @return the unit
     */
    public ConvBn getConvBn() {
        return inner;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return inner.forward(ps, inputs, training);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return inner.getOutputShapes(inputs);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        inner.initialize(manager, dataType, inputs);
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return inner.cost(input);
    }

    /**
     * The settings of a patch convolution (kernel = patch size, no padding) followed by BN, no
     * activation (DJL's {@code Convolution.Builder} pattern: one generic builder, {@link #self()}
     * returns the concrete one). Subclasses name the channel setters after their paper's terms.
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {
        private int inChannels;
        private int outChannels;
        private int patchSize;
        private int patchStride;

        /**
         * Starts with the given defaults.
         *
         * @param inChannels the default input channels (0: required)
         * @param patch the default patch size and stride
         */
        protected BaseBuilder(int inChannels, int patch) {
            this.inChannels = inChannels;
            this.patchSize = patch;
            this.patchStride = patch;
        }

        /**
         * Returns this builder.
         *
         * @return this
         */
        protected abstract T self();

        /**
         * Sets the input channels.
         *
         * @param c input channels
         * @return this builder
         */
        protected T inChannels(int c) {
            inChannels = c;
            return self();
        }

        /**
         * Sets the output channels.
         *
         * @param c output channels
         * @return this builder
         */
        protected T outChannels(int c) {
            outChannels = c;
            return self();
        }

        /**
         * The output channels to build with: the set value, unless a subclass has a default.
         *
         * @param in the input channels
         * @param set the output channels set (0 when unset)
         * @return the output channels
         */
        protected int resolveOutChannels(int in, int set) {
            return set;
        }

        /**
         * Sets the patch kernel.
         *
         * @param k kernel size, at least 1
         * @return this builder
         */
        public T optPatchSize(int k) {
            patchSize = k;
            return self();
        }

        /**
         * Sets the patch stride.
         *
         * @param s stride, at least 1
         * @return this builder
         */
        public T optPatchStride(int s) {
            patchStride = s;
            return self();
        }

        /** Validates the settings and builds the unit. */
        ConvBn convBn() {
            return ConvBn.builder()
                    .setInChannels(inChannels)
                    .setOutChannels(resolveOutChannels(inChannels, outChannels))
                    .optKernel(Checks.atLeast("patchSize", patchSize, 1))
                    .optStride(Checks.atLeast("patchStride", patchStride, 1))
                    .optPadding(0)
                    .build();
        }
    }
}
