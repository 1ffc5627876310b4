package io.github.fastvision.examples.studies;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.core.layers.ConvBn;

/**
 * The network of the single-bottleneck study (pflayer §3.3): a 3×3 stride-2 stem to the base width,
 * one residual bottleneck — 1×1 conv-BN-ReLU to {@code ratio × width} channels, the spatial
 * operation, 1×1 conv-BN back to {@code width}, identity shortcut, ReLU — then global average
 * pooling and a linear classifier. Only the spatial operation and the expansion ratio change
 * between the study's models.
 */
public final class SingleBottleneckNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int width;
    private final int inner;
    private final Block stem;
    private final Block conv1;
    private final Block spatial;
    private final Block conv3;
    private final Block fc;

    /**
     * Starts a builder; every value is required.
     *
     * @return an empty builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private SingleBottleneckNet(Builder b) {
        super(VERSION);
        int inChannels = b.inChannels;
        int width = b.width;
        double ratio = b.ratio;
        SpatialOp op = java.util.Objects.requireNonNull(b.op, "spatial op must be set");
        int classes = b.classes;
        if (inChannels < 1 || width < 1 || !(ratio > 0) || classes < 1) {
            throw new IllegalArgumentException(
                    "in channels, width, ratio and classes must be positive but were "
                            + inChannels
                            + ", "
                            + width
                            + ", "
                            + ratio
                            + ", "
                            + classes);
        }
        this.width = width;
        this.inner = Math.max(1, (int) Math.round(width * ratio));
        this.stem =
                addChildBlock(
                        "stem",
                        ConvBn.builder()
                                .setInChannels(inChannels)
                                .setOutChannels(width)
                                .optKernel(3)
                                .optStride(2)
                                .optAct(Act.RELU)
                                .build());
        this.conv1 =
                addChildBlock(
                        "conv1",
                        ConvBn.builder()
                                .setInChannels(width)
                                .setOutChannels(inner)
                                .optKernel(1)
                                .optAct(Act.RELU)
                                .build());
        this.spatial = addChildBlock("spatial", op.create(inner));
        this.conv3 =
                addChildBlock(
                        "conv3",
                        ConvBn.builder()
                                .setInChannels(inner)
                                .setOutChannels(width)
                                .optKernel(1)
                                .build());
        this.fc = addChildBlock("fc", Linear.builder().setUnits(classes).build());
    }

    /**
     * Returns the spatial operation's channel count.
     *
     * @return ratio × width
     */
    public int innerChannels() {
        return inner;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = stem.forward(ps, inputs, training).singletonOrThrow();
        NDList y = conv1.forward(ps, new NDList(x), training);
        y = spatial.forward(ps, y, training);
        NDArray z = conv3.forward(ps, y, training).singletonOrThrow();
        NDArray out = z.add(x).clip(0, Float.MAX_VALUE);
        NDArray pooled = out.reshape(out.getShape().get(0), width, -1).mean(new int[] {2});
        return fc.forward(ps, new NDList(pooled), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = stem.getOutputShapes(inputs)[0];
        return fc.getOutputShapes(new Shape[] {new Shape(s.get(0), width)});
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = ChildBlocks.init(stem, manager, dataType, inputShapes[0]);
        Shape t = ChildBlocks.init(conv1, manager, dataType, s);
        t = ChildBlocks.init(spatial, manager, dataType, t);
        conv3.initialize(manager, dataType, t);
        fc.initialize(manager, dataType, new Shape(s.get(0), width));
    }

    /** Builds a {@link SingleBottleneckNet}. */
    public static final class Builder {

        private int inChannels;
        private int width;
        private double ratio;
        private SpatialOp op;
        private int classes;

        private Builder() {}

        /**
         * Sets the image channels.
         *
         * @param inChannels at least 1
         * @return this builder
         */
        public Builder setInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /**
         * Sets the base width (block input and output channels).
         *
         * @param width at least 1
         * @return this builder
         */
        public Builder setWidth(int width) {
            this.width = width;
            return this;
        }

        /**
         * Sets the channel expansion ratio of the spatial operation's width.
         *
         * @param ratio positive
         * @return this builder
         */
        public Builder setRatio(double ratio) {
            this.ratio = ratio;
            return this;
        }

        /**
         * Sets the spatial operation.
         *
         * @param op the operation
         * @return this builder
         */
        public Builder setSpatialOp(SpatialOp op) {
            this.op = op;
            return this;
        }

        /**
         * Sets the classifier outputs.
         *
         * @param classes at least 1
         * @return this builder
         */
        public Builder setClasses(int classes) {
            this.classes = classes;
            return this;
        }

        /**
         * Validates and builds the network.
         *
         * @return the network
         * @throws IllegalArgumentException naming the invalid values
         */
        public SingleBottleneckNet build() {
            return new SingleBottleneckNet(this);
        }
    }
}
