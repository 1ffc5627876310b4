package io.github.fastvision.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Checks;

/**
 * Patch embedding of ViT and PiT: a k×k convolution with stride s, a learned position embedding
 * and, for class-token models, a class token. Output: the patch map (N, C, h, w) and, when the
 * model has one, the class token (N, 1, C).
 *
 * <p>Position embeddings are stored as the official code stores them: per token (1, [1 +] h·w, C)
 * for ViT, where the class token has a position too, and per pixel (1, C, h, w) for PiT, whose
 * class token has none. Children: {@code proj}; parameters {@code pos_embed}, {@code cls_token}.
 */
public class PatchEmbed extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;
    private static final String NAME = "PatchEmbed";

    /** How the position embedding is laid out. */
    public enum PositionLayout {
        /** (1, tokens, C), the class token's position first (ViT). */
        TOKENS,
        /** (1, C, h, w), added to the map (PiT). */
        SPATIAL
    }

    private final int inChannels;
    private final int dim;
    private final int grid;
    private final boolean classToken;
    private final PositionLayout layout;
    private final Conv2d proj;
    private final Parameter posEmbed;
    private final Parameter clsToken;

    private PatchEmbed(Builder b) {
        super(VERSION);
        int inChannels = Checks.required(NAME, "inChannels", b.inChannels);
        int dim = Checks.required(NAME, "dim", b.dim);
        int patch = Checks.required(NAME, "patch", b.patch);
        int stride = b.stride == 0 ? patch : b.stride;
        int imageSize = Checks.required(NAME, "imageSize", b.imageSize);
        boolean classToken = b.classToken;
        PositionLayout layout = b.layout;
        this.inChannels = inChannels;
        this.dim = dim;
        this.grid = (int) Checks.windowOut(imageSize, patch, stride, 0);
        if (grid < 1) {
            throw new IllegalArgumentException(
                    "input size " + imageSize + " is smaller than the patch size " + patch);
        }
        this.classToken = classToken;
        this.layout = layout;
        proj =
                addChildBlock(
                        "proj",
                        Conv2d.builder()
                                .setKernelShape(new Shape(patch, patch))
                                .optStride(new Shape(stride, stride))
                                .setFilters(dim)
                                .build());
        Shape posShape =
                layout == PositionLayout.TOKENS
                        ? new Shape(1, (long) grid * grid + (classToken ? 1 : 0), dim)
                        : new Shape(1, dim, grid, grid);
        posEmbed =
                addParameter(
                        Parameter.builder()
                                .setName("pos_embed")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(posShape)
                                .optInitializer(new TruncatedNormalInitializer(0.02f))
                                .build());
        clsToken =
                classToken
                        ? addParameter(
                                Parameter.builder()
                                        .setName("cls_token")
                                        .setType(Parameter.Type.WEIGHT)
                                        .optShape(new Shape(1, 1, dim))
                                        .optInitializer(new TruncatedNormalInitializer(0.02f))
                                        .build())
                        : null;
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
     * Returns the side of the patch grid.
     *
     * @return grid side
     */
    public int getGrid() {
        return grid;
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray map = proj.forward(ps, new NDList(x), training).singletonOrThrow();
        Shape s = map.getShape();
        if (s.get(2) != grid || s.get(3) != grid) {
            throw new IllegalArgumentException(
                    "PatchEmbed was built for a "
                            + grid
                            + "x"
                            + grid
                            + " patch grid but the input "
                            + x.getShape()
                            + " gives "
                            + s.get(2)
                            + "x"
                            + s.get(3)
                            + "; build the model with ModelOptions.inputSize matching the input");
        }
        NDArray pos = ps.getValue(posEmbed, x.getDevice(), training);
        long n = s.get(0);
        NDArray cls = null;
        if (classToken) {
            // DJL attaches an operation's result to its first operand's manager: the broadcast
            // class token, and through the concatenation every later activation, would otherwise
            // belong to the parameter's manager and outlive the batch (vit_small leaked its
            // whole forward pass, about 92 MB per image).
            cls = ps.getValue(clsToken, x.getDevice(), training).broadcast(new Shape(n, 1, dim));
            cls.attach(map.getManager());
        }
        if (layout == PositionLayout.SPATIAL) {
            map = map.add(pos);
            return classToken ? new NDList(map, cls) : new NDList(map);
        }
        NDArray tokens = map.reshape(n, dim, (long) grid * grid).transpose(0, 2, 1);
        if (classToken) {
            tokens = NDArrays.concat(new NDList(cls, tokens), 1);
        }
        tokens = tokens.add(pos);
        NDArray patches = classToken ? tokens.get(new NDIndex(":, 1:")) : tokens;
        NDArray outMap = patches.transpose(0, 2, 1).reshape(n, dim, grid, grid);
        return classToken
                ? new NDList(outMap, tokens.get(new NDIndex(":, :1")))
                : new NDList(outMap);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape map = new Shape(inputs[0].get(0), dim, grid, grid);
        return classToken
                ? new Shape[] {map, new Shape(inputs[0].get(0), 1, dim)}
                : new Shape[] {map};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        proj.initialize(manager, dataType, inputs[0]);
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost conv = Cost.of(proj, input);
        long extra = posEmbed.getShape().size() + (classToken ? dim : 0);
        return new Cost(conv.params() + extra, conv.macs(), conv.output());
    }

    /**
     * Returns the image channels.
     *
     * @return input channels
     */
    public int getInChannels() {
        return inChannels;
    }

    /** Builder for {@link PatchEmbed}. */
    public static final class Builder {
        private int inChannels;
        private int dim;
        private int patch;
        private int stride;
        private int imageSize;
        private boolean classToken;
        private PositionLayout layout = PositionLayout.TOKENS;

        Builder() {}

        /**
         * Sets the image channels (required).
         *
         * @param inChannels image channels
         * @return this builder
         */
        public Builder setInChannels(int inChannels) {
            this.inChannels = inChannels;
            return this;
        }

        /**
         * Sets the embedding width (required).
         *
         * @param dim embedding width
         * @return this builder
         */
        public Builder setDim(int dim) {
            this.dim = dim;
            return this;
        }

        /**
         * Sets the kernel size of the patch projection (required).
         *
         * @param patch kernel size
         * @return this builder
         */
        public Builder setPatch(int patch) {
            this.patch = patch;
            return this;
        }

        /**
         * Sets the stride of the patch projection (default: the patch size, non-overlapping).
         *
         * @param stride stride, at least 1
         * @return this builder
         */
        public Builder optStride(int stride) {
            this.stride = Checks.atLeast("stride", stride, 1);
            return this;
        }

        /**
         * Sets the square input side the position embedding is made for (required).
         *
         * @param imageSize input side
         * @return this builder
         */
        public Builder setImageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /**
         * Sets whether the model has a class token (default false).
         *
         * @param classToken whether there is a class token
         * @return this builder
         */
        public Builder optClassToken(boolean classToken) {
            this.classToken = classToken;
            return this;
        }

        /**
         * Sets how positions are stored (default {@link PositionLayout#TOKENS}).
         *
         * @param layout the position layout
         * @return this builder
         */
        public Builder optLayout(PositionLayout layout) {
            if (layout == null) {
                throw new IllegalArgumentException("PatchEmbed: layout must be TOKENS or SPATIAL");
            }
            this.layout = layout;
            return this;
        }

        /**
         * Builds the embedding.
         *
         * @return the embedding
         * @throws IllegalArgumentException naming a missing or out-of-range value, or when the
         *     input is smaller than the patch
         */
        public PatchEmbed build() {
            return new PatchEmbed(this);
        }
    }
}
