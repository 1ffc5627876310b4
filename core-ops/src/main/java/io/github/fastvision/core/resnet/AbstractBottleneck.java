package io.github.fastvision.core.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
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
 * The residual bottleneck skeleton shared by ResNet's regular bottleneck and pflayer's efficient
 * bottleneck: 1×1 reduction (conv-BN-ReLU) → spatial operation → 1×1 expansion (conv-BN) → optional
 * squeeze-excite → add the shortcut → ReLU. Subclasses supply the spatial operation.
 *
 * <p>Children, in torchvision's order: {@code conv1}, the spatial op, {@code conv3}, optional
 * {@code se}, optional {@code downsample} (strided 1×1 conv-BN, present when the stride or the
 * width changes).
 */
public abstract class AbstractBottleneck extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    /** Output channels = planes × EXPANSION, as in ResNet-50 and deeper. */
    public static final int EXPANSION = 4;

    private final String name;
    private final int inChannels;
    private final int width;
    private final int spatialWidth;
    private final int outChannels;
    private final int stride;
    private final ConvBn conv1;
    private final Block spatial;
    private final ConvBn conv3;
    private final SqueezeExcite se;
    private final ConvBn downsample;

    /**
     * Builds the skeleton around a spatial operation.
     *
     * @param name the block type name used in error messages
     * @param b the common settings
     * @param spatialName the child name of the spatial op
     * @param spatial the spatial op, mapping (N, reducedWidth, H, W) to (N, spatialWidth, H/stride,
     *     W/stride)
     */
    protected AbstractBottleneck(String name, BaseBuilder<?> b, String spatialName, Block spatial) {
        super(VERSION);
        this.name = name;
        inChannels = Checks.required(name, "inChannels", b.inChannels);
        width = b.reducedWidth();
        spatialWidth = b.spatialWidth();
        outChannels = b.planes * EXPANSION;
        stride = b.stride;
        conv1 =
                addChildBlock(
                        "conv1",
                        ConvBn.builder()
                                .setInChannels(inChannels)
                                .setOutChannels(width)
                                .optAct(Act.RELU)
                                .build());
        this.spatial = addChildBlock(spatialName, spatial);
        conv3 =
                addChildBlock(
                        "conv3",
                        ConvBn.builder()
                                .setInChannels(spatialWidth)
                                .setOutChannels(outChannels)
                                .build());
        se =
                b.seReduction > 0
                        ? addChildBlock(
                                "se",
                                SqueezeExcite.builder()
                                        .setChannels(outChannels)
                                        .optReducedChannels(
                                                Math.max(1, outChannels / b.seReduction))
                                        .build())
                        : null;
        downsample =
                stride != 1 || inChannels != outChannels
                        ? addChildBlock(
                                "downsample",
                                ConvBn.builder()
                                        .setInChannels(inChannels)
                                        .setOutChannels(outChannels)
                                        .optStride(stride)
                                        .build())
                        : null;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.nchw(name, x, inChannels);
        validateSpatial(x.getShape());
        NDArray y = ChildBlocks.forward(conv1, ps, x, training);
        y = ChildBlocks.forward(spatial, ps, y, training);
        y = ChildBlocks.forward(conv3, ps, y, training);
        if (se != null) {
            y = ChildBlocks.forward(se, ps, y, training);
        }
        NDArray shortcut =
                downsample == null ? x : ChildBlocks.forward(downsample, ps, x, training);
        return new NDList(Activation.relu(y.add(shortcut)));
    }

    /**
     * Hook to reject spatial sizes the spatial operation cannot handle with a clear message.
     *
     * @param input the block input shape
     */
    protected void validateSpatial(Shape input) {}

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        Checks.nchw(name, in, inChannels);
        Shape s = ChildBlocks.outShape(spatial, new Shape(in.get(0), width, in.get(2), in.get(3)));
        return new Shape[] {new Shape(in.get(0), outChannels, s.get(2), s.get(3))};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s = ChildBlocks.init(conv1, manager, dataType, inputs[0]);
        s = ChildBlocks.init(spatial, manager, dataType, s);
        s = ChildBlocks.init(conv3, manager, dataType, s);
        if (se != null) {
            ChildBlocks.init(se, manager, dataType, s);
        }
        if (downsample != null) {
            ChildBlocks.init(downsample, manager, dataType, inputs[0]);
        }
    }

    /**
     * Returns the input channels.
     *
     * @return input channels
     */
    public int getInChannels() {
        return inChannels;
    }

    /**
     * Returns the inner width (the 1×1 reduction's outputs, the spatial op's inputs).
     *
     * @return width
     */
    public int getWidth() {
        return width;
    }

    /**
     * Returns the spatial op's output channels (the 1×1 expansion's inputs); equal to {@link
     * #getWidth()} unless a pruned bottleneck was built with other inner widths.
     *
     * @return channels
     */
    public int getSpatialWidth() {
        return spatialWidth;
    }

    /**
     * Returns the output channels (planes × 4).
     *
     * @return output channels
     */
    public int getOutChannels() {
        return outChannels;
    }

    /**
     * Returns the stride.
     *
     * @return stride
     */
    public int getStride() {
        return stride;
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input).then(conv1).then(spatial).then(conv3);
        if (se != null) {
            acc.then(se);
        }
        if (downsample != null) {
            acc.branch(downsample, input);
        }
        return acc.done();
    }

    /**
     * Common builder settings.
     *
     * @param <T> the concrete builder
     */
    public abstract static class BaseBuilder<T extends BaseBuilder<T>> {
        int inChannels;
        int planes;
        int stride = 1;
        int groups = 1;
        int baseWidth = 64;
        int seReduction;
        int reducedWidth;
        int spatialWidth;

        /**
         * Returns the stride.
         *
         * @return stride
         */
        public int stride() {
            return stride;
        }

        /**
         * Returns this builder.
         *
         * @return this
         */
        protected abstract T self();

        /**
         * Sets the input channels (required).
         *
         * @param c input channels
         * @return this builder
         */
        public T setInChannels(int c) {
            inChannels = c;
            return self();
        }

        /**
         * Sets the planes; output channels are planes × 4 (required).
         *
         * @param p planes
         * @return this builder
         */
        public T setPlanes(int p) {
            planes = p;
            return self();
        }

        /**
         * Sets the stride, 1 or 2 (default 1).
         *
         * @param s stride
         * @return this builder
         */
        public T optStride(int s) {
            if (s != 1 && s != 2) {
                throw new IllegalArgumentException("bottleneck stride must be 1 or 2 but was " + s);
            }
            stride = s;
            return self();
        }

        /**
         * Sets the groups of the spatial convolution (ResNeXt; default 1).
         *
         * @param g groups
         * @return this builder
         */
        public T optGroups(int g) {
            groups = Checks.atLeast("groups", g, 1);
            return self();
        }

        /**
         * Sets the base width; 64 for ResNet, 128 for Wide-ResNet-x-2 (default 64).
         *
         * @param w base width
         * @return this builder
         */
        public T optBaseWidth(int w) {
            baseWidth = Checks.atLeast("baseWidth", w, 1);
            return self();
        }

        /**
         * Adds squeeze-excite after the expansion with this reduction (SENet uses 16; default 0:
         * none).
         *
         * @param reduction channel reduction factor, or 0 for none
         * @return this builder
         */
        public T optSqueezeExcite(int reduction) {
            seReduction = Checks.atLeast("SE reduction", reduction, 0);
            return self();
        }

        /**
         * Returns the inner width, planes × baseWidth / 64 × groups.
         *
         * @return the width of the spatial operation
         */
        public int width() {
            Checks.required("bottleneck", "planes", planes);
            return planes * baseWidth / 64 * groups;
        }

        /**
         * Sets the inner widths instead of {@link #width()}, for the subclass builders' options (a
         * pruned bottleneck).
         *
         * @param reduced the 1×1 reduction's outputs, >= 1
         * @param spatial the spatial op's outputs, >= 1
         * @return this builder
         */
        protected T innerWidths(int reduced, int spatial) {
            reducedWidth = Checks.atLeast("reduced width", reduced, 1);
            spatialWidth = Checks.atLeast("spatial width", spatial, 1);
            return self();
        }

        /**
         * Returns the 1×1 reduction's output channels: {@link #width()} unless set otherwise by a
         * subclass builder (a pruned bottleneck).
         *
         * @return channels
         */
        public int reducedWidth() {
            return reducedWidth > 0 ? reducedWidth : width();
        }

        /**
         * Returns the spatial op's output channels: {@link #width()} unless set otherwise by a
         * subclass builder (a pruned bottleneck).
         *
         * @return channels
         */
        public int spatialWidth() {
            return spatialWidth > 0 ? spatialWidth : width();
        }
    }
}
