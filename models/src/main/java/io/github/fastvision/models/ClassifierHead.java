package io.github.fastvision.models;

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
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.ChildBlocks;

/**
 * Classification head shared by the families: an optional block on the last feature map (ReXNet's
 * 1×1 conv to 1280 channels, a token LayerNorm), pooling to (N, C, 1, 1) by global average or by
 * taking the class token, an optional block on the pooled map (ConvNeXt's LayerNorm, FasterNet's
 * 1×1 conv and activation), dropout, and the classifier {@code fc}. The classifier can be replaced
 * for fine-tuning on another number of classes.
 *
 * <p>Input: the last stage's output list, the feature map first and, for class-token models, the
 * class token (N, 1, C) second.
 */
public class ClassifierHead extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;
    private static final String FC = "fc";

    /** How the last stage's output becomes one vector per image. */
    public enum Pooling {
        /** Global average over the feature map. */
        AVG,
        /** The class token, the second output of the last stage (ViT, PiT). */
        CLASS_TOKEN
    }

    private final Pooling pooling;
    private final Block prePool;
    private final Block postPool;
    private final int features;
    private final float dropout;
    private Linear fc;
    private int numClasses;
    private NDManager initManager;
    private DataType initType = DataType.FLOAT32;

    private ClassifierHead(Builder b) {
        super(VERSION);
        this.pooling = b.pooling;
        this.prePool = b.prePool == null ? null : addChildBlock(b.prePoolName, b.prePool);
        this.postPool = b.postPool == null ? null : addChildBlock(b.postPoolName, b.postPool);
        this.features = b.features;
        this.dropout = b.dropout;
        this.numClasses = b.numClasses;
        fc =
                numClasses > 0
                        ? addChildBlock(FC, Linear.builder().setUnits(numClasses).build())
                        : null;
    }

    /**
     * Starts a head.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A plain head: pooling and the classifier.
     *
     * @param features input channels
     * @param numClasses classifier outputs
     * @return the head
     */
    public static ClassifierHead linear(int features, int numClasses) {
        return builder().setFeatures(features).setNumClasses(numClasses).build();
    }

    /**
     * Returns the number of classes (0 when the classifier is removed).
     *
     * @return classes
     */
    public int getNumClasses() {
        return numClasses;
    }

    /**
     * Returns the width entering the classifier.
     *
     * @return features
     */
    public int getFeatures() {
        return features;
    }

    /**
     * Replaces the classifier with a freshly initialized one for {@code classes} outputs (0 removes
     * it). When the head is initialized the new layer is initialized on the same manager.
     *
     * @param classes new number of classes
     */
    public void reset(int classes) {
        if (classes < 0) {
            throw new IllegalArgumentException("numClasses must be >= 0 but was " + classes);
        }
        int index = children.size();
        if (fc != null) {
            for (int i = 0; i < children.size(); i++) {
                if (children.get(i).getValue() == fc) {
                    index = i;
                }
            }
            children.remove(index);
            fc.clear();
        }
        numClasses = classes;
        fc = null;
        if (classes > 0) {
            fc = Linear.builder().setUnits(classes).build();
            children.add(index, String.format(java.util.Locale.ROOT, "%02d%s", index + 1, FC), fc);
            if (initManager != null) {
                fc.initialize(initManager, initType, new Shape(1, features));
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x;
        if (pooling == Pooling.CLASS_TOKEN) {
            NDArray cls = inputs.get(1);
            x = cls.reshape(cls.getShape().get(0), cls.getShape().get(2), 1, 1);
        } else {
            x = inputs.head();
            if (prePool != null) {
                x = ChildBlocks.forward(prePool, ps, x, training);
            }
            x = x.mean(new int[] {3}, true).mean(new int[] {2}, true);
        }
        if (postPool != null) {
            x = ChildBlocks.forward(postPool, ps, x, training);
        }
        x = x.reshape(x.getShape().get(0), features);
        if (training && dropout > 0) {
            x = ai.djl.nn.norm.Dropout.dropout(x, dropout, true).singletonOrThrow();
        }
        return new NDList(fc == null ? x : ChildBlocks.forward(fc, ps, x, training));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), numClasses > 0 ? numClasses : features)};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        initManager = manager;
        initType = dataType;
        Shape s = inputs[0];
        if (prePool != null) {
            s = ChildBlocks.init(prePool, manager, dataType, s);
        }
        if (pooling == Pooling.CLASS_TOKEN) {
            s = new Shape(inputs[1].get(0), inputs[1].get(2), 1, 1);
        }
        Shape pooled = new Shape(s.get(0), s.get(1), 1, 1);
        if (postPool != null) {
            ChildBlocks.init(postPool, manager, dataType, pooled);
        }
        if (fc != null) {
            fc.initialize(manager, dataType, new Shape(s.get(0), features));
        }
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input);
        if (prePool != null) {
            acc.then(prePool);
        }
        acc.shape(new Shape(input.get(0), acc.shape().get(1), 1, 1));
        if (postPool != null) {
            acc.then(postPool);
        }
        acc.shape(new Shape(input.get(0), features));
        if (fc != null) {
            acc.then(fc);
        }
        return acc.done();
    }

    /** Collects a head's parts; features and classes are required. */
    /**
     * Returns how features are pooled (read by exporters that rebuild the block's math).
     *
     * @return how features are pooled
     */
    public Pooling getPooling() {
        return pooling;
    }

    /**
     * Returns the block before pooling, or null (read by exporters that rebuild the block's math).
     *
     * @return the block before pooling, or null
     */
    public Block getPrePool() {
        return prePool;
    }

    /**
     * Returns the block after pooling, or null (read by exporters that rebuild the block's math).
     *
     * @return the block after pooling, or null
     */
    public Block getPostPool() {
        return postPool;
    }

    public static final class Builder {

        private Pooling pooling = Pooling.AVG;
        private String prePoolName;
        private Block prePool;
        private String postPoolName;
        private Block postPool;
        private int features = -1;
        private int numClasses = -1;
        private float dropout;

        private Builder() {}

        /**
         * Sets the width entering the classifier.
         *
         * @param features channels, >= 1
         * @return this
         */
        public Builder setFeatures(int features) {
            this.features = features;
            return this;
        }

        /**
         * Sets the classifier outputs.
         *
         * @param numClasses classes, >= 0 (0: no classifier, pooled features out)
         * @return this
         */
        public Builder setNumClasses(int numClasses) {
            this.numClasses = numClasses;
            return this;
        }

        /**
         * Sets how the last stage's output becomes one vector per image.
         *
         * @param pooling average (default) or class token
         * @return this
         */
        public Builder optPooling(Pooling pooling) {
            this.pooling = pooling;
            return this;
        }

        /**
         * Adds a block on the feature map before pooling (ReXNet's 1×1 conv, a token LayerNorm).
         *
         * @param name the child name, part of the checkpoint names (e.g. "conv_head")
         * @param block the block
         * @return this
         */
        public Builder optPrePool(String name, Block block) {
            this.prePoolName = name;
            this.prePool = block;
            return this;
        }

        /**
         * Adds a block on the pooled (N, C, 1, 1) map (ConvNeXt's LayerNorm, FasterNet's 1×1 conv).
         *
         * @param name the child name, part of the checkpoint names (e.g. "norm")
         * @param block the block
         * @return this
         */
        public Builder optPostPool(String name, Block block) {
            this.postPoolName = name;
            this.postPool = block;
            return this;
        }

        /**
         * Sets the dropout rate before the classifier.
         *
         * @param rate rate in [0, 1) (default 0)
         * @return this
         */
        public Builder optDropout(float rate) {
            this.dropout = rate;
            return this;
        }

        /**
         * Validates and builds the head.
         *
         * @return the head
         */
        public ClassifierHead build() {
            if (features < 1) {
                throw new IllegalArgumentException("features must be >= 1 but was " + features);
            }
            if (numClasses < 0) {
                throw new IllegalArgumentException("numClasses must be >= 0 but was " + numClasses);
            }
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("dropout must be in [0, 1) but was " + dropout);
            }
            if (pooling == null) {
                throw new IllegalArgumentException(
                        "pooling must be AVG or CLASS_TOKEN but was null");
            }
            if (prePool != null && (prePoolName == null || prePoolName.isEmpty())) {
                throw new IllegalArgumentException("the pre-pool block needs a child name");
            }
            if (postPool != null && (postPoolName == null || postPoolName.isEmpty())) {
                throw new IllegalArgumentException("the post-pool block needs a child name");
            }
            return new ClassifierHead(this);
        }
    }
}
