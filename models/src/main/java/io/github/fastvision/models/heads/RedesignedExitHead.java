package io.github.fastvision.models.heads;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.anytime.MaskedConv2d;
import io.github.fastvision.core.anytime.MaskedConvBn;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;
import java.util.ArrayList;
import java.util.List;

/**
 * The redesigned exit (RH, thesis §2.3.3): an encoder of D "pool-conv" steps (2×2 average pool
 * halving the resolution, 1×1 conv + BN + ReLU; the first conv maps to the fixed exit width) and a
 * decoder of D "interpolate-conv" steps (bilinear upsampling back to the size of the matching
 * encoder level, 1×1 conv), the last of which is the classifier. Exit i of N uses D = N − i.
 *
 * <p>Children: {@code down_0} … {@code down_(D−1)}, {@code up_0} … {@code up_(D−2)}, {@code
 * classifier}.
 */
public final class RedesignedExitHead extends ExitHead {

    private final int depth;
    private final int width;
    private final List<MaskedConvBn> down = new ArrayList<>();
    private final List<MaskedConvBn> up = new ArrayList<>();
    private final MaskedConv2d classifier;

    private RedesignedExitHead(Builder b) {
        super(b.branchChannels, b.numClasses);
        int numClasses = b.numClasses;
        int depth = b.depth;
        int width = b.width;
        boolean adaptive = b.adaptive;
        this.depth = depth;
        this.width = width;
        for (int d = 0; d < depth; d++) {
            int in = d == 0 ? concatChannels() : width;
            down.add(
                    addChildBlock(
                            "down_" + d,
                            MaskedConvBn.builder()
                                    .setInChannels(in)
                                    .setOutChannels(width)
                                    .setKernel(1)
                                    .optRelu(true)
                                    .optAdaptive(adaptive)
                                    .build()));
        }
        for (int d = 0; d < depth - 1; d++) {
            up.add(
                    addChildBlock(
                            "up_" + d,
                            MaskedConvBn.builder()
                                    .setInChannels(width)
                                    .setOutChannels(width)
                                    .setKernel(1)
                                    .optRelu(true)
                                    .optAdaptive(adaptive)
                                    .build()));
        }
        classifier =
                addChildBlock(
                        "classifier",
                        MaskedConv2d.builder()
                                .setInChannels(width)
                                .setOutChannels(numClasses)
                                .setKernel(1)
                                .optAdaptive(adaptive)
                                .build());
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns D.
     *
     * @return the number of pool-conv steps
     */
    public int depth() {
        return depth;
    }

    /**
     * Returns the number of interpolate-conv steps (always D).
     *
     * @return D
     */
    public int upsamplingSteps() {
        return up.size() + 1;
    }

    /**
     * Returns the exit width.
     *
     * @return channels inside the exit
     */
    public int width() {
        return width;
    }

    private static long half(long s) {
        return (s + 1) / 2;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray forward(
            ParameterStore ps, List<NDArray> branches, boolean training, AnytimeContext ctx) {
        NDArray x = concat(branches);
        List<long[]> sizes = new ArrayList<>();
        for (MaskedConvBn conv : down) {
            Shape s = x.getShape();
            sizes.add(new long[] {s.get(2), s.get(3)});
            x = Pool.avgPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), true, false);
            x = conv.forward(ps, x, training, ctx);
        }
        for (int d = 0; d < depth; d++) {
            long[] size = sizes.get(depth - 1 - d);
            x = resize(x, size[0], size[1]);
            x =
                    d < depth - 1
                            ? up.get(d).forward(ps, x, training, ctx)
                            : classifier.forward(ps, x, training, ctx);
        }
        return x;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Only the 1×1 classifier: the convolutions before it are read by pooling and bilinear
     * interpolation at neighbouring positions, so their fills reach computed positions.
     */
    @Override
    public void outputIsCarriedOver() {
        classifier.setFillSkipped(false);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s = concatShape(inputs[0]);
        List<Shape> sizes = new ArrayList<>();
        for (MaskedConvBn conv : down) {
            sizes.add(s);
            s =
                    ChildBlocks.init(
                            conv,
                            manager,
                            dataType,
                            new Shape(s.get(0), s.get(1), half(s.get(2)), half(s.get(3))));
        }
        for (int d = 0; d < depth; d++) {
            Shape target = sizes.get(depth - 1 - d);
            Shape in = new Shape(s.get(0), s.get(1), target.get(2), target.get(3));
            s = ChildBlocks.init(d < depth - 1 ? up.get(d) : classifier, manager, dataType, in);
        }
    }

    /** {@inheritDoc} */
    @Override
    Cost costAt(Shape branch0) {
        Shape s = concatShape(branch0);
        Cost.Accumulator acc = Cost.from(s);
        List<Shape> sizes = new ArrayList<>();
        for (MaskedConvBn conv : down) {
            sizes.add(acc.shape());
            Shape c = acc.shape();
            acc.shape(new Shape(c.get(0), c.get(1), half(c.get(2)), half(c.get(3)))).then(conv);
        }
        for (int d = 0; d < depth; d++) {
            Shape target = sizes.get(depth - 1 - d);
            Shape c = acc.shape();
            acc.shape(new Shape(c.get(0), c.get(1), target.get(2), target.get(3)))
                    .then(d < depth - 1 ? up.get(d) : classifier);
        }
        return acc.done();
    }

    /** Builder for {@link RedesignedExitHead}. */
    public static final class Builder {
        private static final String NAME = "RedesignedExitHead";

        private int[] branchChannels;
        private Integer numClasses;
        private Integer depth;
        private Integer width;
        private boolean adaptive;

        Builder() {}

        /**
         * Sets the channels per input branch (required, each at least 1).
         *
         * @param branchChannels channels of branch 0, 1, …
         * @return this builder
         */
        public Builder setBranchChannels(int... branchChannels) {
            this.branchChannels = branchChannels.clone();
            return this;
        }

        /**
         * Sets the number of classes K (required, at least 1).
         *
         * @param numClasses K
         * @return this builder
         */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /**
         * Sets D, the number of pool-conv (and interpolate-conv) steps (required, at least 1).
         *
         * @param depth D
         * @return this builder
         */
        public Builder setDepth(int depth) {
            this.depth = depth;
            return this;
        }

        /**
         * Sets the fixed exit width (required, at least 1).
         *
         * @param width the exit width
         * @return this builder
         */
        public Builder setWidth(int width) {
            this.width = width;
            return this;
        }

        /**
         * Sets whether the head's convolutions follow the confidence mask (default false).
         *
         * @param adaptive whether the head is adaptive
         * @return this builder
         */
        public Builder optAdaptive(boolean adaptive) {
            this.adaptive = adaptive;
            return this;
        }

        /**
         * Builds the head.
         *
         * @return the head
         * @throws IllegalArgumentException naming a missing or out-of-range value
         */
        public RedesignedExitHead build() {
            if (branchChannels == null || branchChannels.length == 0) {
                throw new IllegalArgumentException(
                        NAME + ": branchChannels is required (at least 1 branch)");
            }
            for (int c : branchChannels) {
                Checks.atLeast("branchChannels", c, 1);
            }
            required("numClasses", numClasses);
            required("depth", depth);
            required("width", width);
            Checks.atLeast("numClasses", numClasses, 1);
            if (depth < 1) {
                throw new IllegalArgumentException(
                        "a redesigned exit needs D >= 1 pool-conv steps but got " + depth);
            }
            if (width < 1) {
                throw new IllegalArgumentException("exit width must be >= 1 but was " + width);
            }
            return new RedesignedExitHead(this);
        }

        private static void required(String name, Integer value) {
            if (value == null) {
                throw new IllegalArgumentException(NAME + ": " + name + " is required");
            }
        }
    }
}
