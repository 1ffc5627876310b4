package io.github.fastvision.core.rexnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.SqueezeExcite;

/**
 * ReXNet's linear bottleneck (rexnet §4.4, appendix B): optional 1×1 expansion ×t with BN and SiLU,
 * 3×3 depthwise conv with BN, optional squeeze-excite (ratio 1/12, with BN inside), ReLU6, 1×1
 * projection with BN and no activation. ReXNet-lite swaps SiLU for ReLU6 and drops the SE. When the
 * stride is 1 and the channels do not shrink, the input is added into the first in-channels of the
 * output (partial residual).
 *
 * <p>Children (timm's names): optional {@code conv_exp}, {@code conv_dw}, optional {@code se},
 * {@code conv_pwl}.
 */
public class ReXNetBlock extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;
    private static final String NAME = "ReXNetBlock";

    private final int inChannels;
    private final int outChannels;
    private final boolean shortcut;
    private final ConvBn convExp;
    private final ConvBn convDw;
    private final SqueezeExcite se;
    private final ConvBn convPwl;

    ReXNetBlock(Builder b) {
        super(VERSION);
        inChannels = Checks.required(NAME, "inChannels", b.inChannels);
        outChannels = Checks.required(NAME, "outChannels", b.outChannels);
        Checks.atLeast("expansion", b.expansion, 1);
        if (b.stride != 1 && b.stride != 2) {
            throw new IllegalArgumentException(
                    "ReXNetBlock stride must be 1 or 2 but was " + b.stride);
        }
        shortcut = b.stride == 1 && inChannels <= outChannels;
        int dw = inChannels * b.expansion;
        convExp =
                b.expansion != 1
                        ? addChildBlock(
                                "conv_exp",
                                ConvBn.builder()
                                        .setInChannels(inChannels)
                                        .setOutChannels(dw)
                                        .optAct(b.expansionAct)
                                        .build())
                        : null;
        convDw =
                addChildBlock(
                        "conv_dw",
                        ConvBn.builder()
                                .setInChannels(dw)
                                .setOutChannels(dw)
                                .optKernel(3)
                                .optStride(b.stride)
                                .optGroups(dw)
                                .optAct(b.dwAct)
                                .build());
        se =
                b.seRatio > 0
                        ? addChildBlock(
                                "se",
                                SqueezeExcite.builder()
                                        .setChannels(dw)
                                        .optReducedChannels(
                                                Math.max(
                                                        1, (int) Math.floor(dw * b.seRatio + 1e-9)))
                                        .optNorm(true)
                                        .build())
                        : null;
        convPwl =
                addChildBlock(
                        "conv_pwl",
                        ConvBn.builder().setInChannels(dw).setOutChannels(outChannels).build());
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns whether the partial residual is used.
     *
     * @return true when stride is 1 and in ≤ out channels
     */
    public boolean hasShortcut() {
        return shortcut;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.nchw(NAME, x, inChannels);
        NDArray y = convExp == null ? x : ChildBlocks.forward(convExp, ps, x, training);
        y = ChildBlocks.forward(convDw, ps, y, training);
        if (se != null) {
            y = ChildBlocks.forward(se, ps, y, training);
        }
        y = ChildBlocks.forward(convPwl, ps, Act.RELU6.apply(y), training);
        if (shortcut) {
            if (inChannels == outChannels) {
                y = y.add(x);
            } else {
                NDArray head = y.get(new NDIndex(":, :{}", inChannels)).add(x);
                NDArray tail = y.get(new NDIndex(":, {}:", inChannels));
                y = NDArrays.concat(new NDList(head, tail), 1);
            }
        }
        return new NDList(y);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = convExp == null ? inputs[0] : ChildBlocks.outShape(convExp, inputs[0]);
        return convPwl.getOutputShapes(convDw.getOutputShapes(new Shape[] {s}));
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s =
                convExp == null
                        ? inputs[0]
                        : ChildBlocks.init(convExp, manager, dataType, inputs[0]);
        s = ChildBlocks.init(convDw, manager, dataType, s);
        if (se != null) {
            ChildBlocks.init(se, manager, dataType, s);
        }
        ChildBlocks.init(convPwl, manager, dataType, s);
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input);
        if (convExp != null) {
            acc.then(convExp);
        }
        acc.then(convDw);
        if (se != null) {
            acc.then(se);
        }
        return acc.then(convPwl).done();
    }

    /** Builder for {@link ReXNetBlock}. */
    public static final class Builder {
        private int inChannels;
        private int outChannels;
        private int expansion = 6;
        private int stride = 1;
        private double seRatio = 1.0 / 12;
        private Act expansionAct = Act.SILU;
        private Act dwAct = Act.NONE;

        Builder() {}

        /**
         * Sets the activation after the expansion (default SiLU; ReXNet-lite uses ReLU6).
         *
         * @param a activation
         * @return this builder
         */
        public Builder optExpansionAct(Act a) {
            expansionAct = a;
            return this;
        }

        /**
         * Sets an activation directly after the depthwise BN (default none, as in ReXNet, where
         * ReLU6 follows the SE; ReXNet-lite and -plain put ReLU6 here).
         *
         * @param a activation
         * @return this builder
         */
        public Builder optDepthwiseAct(Act a) {
            dwAct = a;
            return this;
        }

        /**
         * Sets the input channels (required).
         *
         * @param c input channels
         * @return this builder
         */
        public Builder setInChannels(int c) {
            inChannels = c;
            return this;
        }

        /**
         * Sets the output channels (required).
         *
         * @param c output channels
         * @return this builder
         */
        public Builder setOutChannels(int c) {
            outChannels = c;
            return this;
        }

        /**
         * Sets the expansion t (default 6; ReXNet's first block uses 1, which drops conv_exp).
         *
         * @param t expansion
         * @return this builder
         */
        public Builder optExpansion(int t) {
            expansion = t;
            return this;
        }

        /**
         * Sets the stride, 1 or 2 (default 1).
         *
         * @param s stride
         * @return this builder
         */
        public Builder optStride(int s) {
            stride = s;
            return this;
        }

        /**
         * Sets the SE ratio (default 1/12; 0 disables SE, as in ReXNet's first blocks and the lite
         * variants).
         *
         * @param r ratio in [0, 1]
         * @return this builder
         */
        public Builder optSeRatio(double r) {
            seRatio = Checks.inClosed("SE ratio", r, 0, 1);
            return this;
        }

        /**
         * Builds the block.
         *
         * @return the block
         */
        public ReXNetBlock build() {
            return new ReXNetBlock(this);
        }
    }
}
