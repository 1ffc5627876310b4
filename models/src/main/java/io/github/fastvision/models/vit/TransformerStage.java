package io.github.fastvision.models.vit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.vit.AbstractTransformerBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * A stage of transformer blocks on a patch map: optional PiT pooling (a depthwise 3×3/2 convolution
 * that also widens the map, and a linear layer for the class token, PiT §3.2), then the blocks on
 * the flattened tokens with the class token in front. Input and output: the map (N, C, h, w) and,
 * for class-token models, the class token (N, 1, C).
 *
 * <p>Children: optional {@code pool_conv}, {@code pool_fc}, then {@code blocks_0} … .
 */
public class TransformerStage extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final int inDim;
    private final int dim;
    private final boolean classToken;
    private final Conv2d poolConv;
    private final Linear poolFc;
    private final List<AbstractTransformerBlock> blocks = new ArrayList<>();

    /**
     * Creates a stage.
     *
     * @param inDim width of the incoming map
     * @param dim width of this stage (PiT pools from inDim to dim when they differ)
     * @param classToken whether a class token travels with the map
     * @param blocks the blocks, all of width {@code dim}
     */
    public TransformerStage(
            int inDim,
            int dim,
            boolean classToken,
            List<? extends AbstractTransformerBlock> blocks) {
        super(VERSION);
        this.inDim = inDim;
        this.dim = dim;
        this.classToken = classToken;
        if (inDim != dim) {
            poolConv =
                    addChildBlock(
                            "pool_conv",
                            Conv2d.builder()
                                    .setKernelShape(new Shape(3, 3))
                                    .optStride(new Shape(2, 2))
                                    .optPadding(new Shape(1, 1))
                                    .optGroups(inDim)
                                    .setFilters(dim)
                                    .build());
            poolFc =
                    classToken
                            ? addChildBlock("pool_fc", Linear.builder().setUnits(dim).build())
                            : null;
        } else {
            poolConv = null;
            poolFc = null;
        }
        for (int i = 0; i < blocks.size(); i++) {
            AbstractTransformerBlock b = blocks.get(i);
            if (b.getDim() != dim) {
                throw new IllegalArgumentException(
                        "block " + i + " has width " + b.getDim() + " but the stage has " + dim);
            }
            this.blocks.add(addChildBlock("blocks_" + i, b));
        }
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray map = inputs.head();
        NDArray cls = classToken ? inputs.get(1) : null;
        if (poolConv != null) {
            map = poolConv.forward(ps, new NDList(map), training).singletonOrThrow();
            if (cls != null) {
                cls = poolFc.forward(ps, new NDList(cls), training).singletonOrThrow();
            }
        }
        Shape s = map.getShape();
        long n = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        NDArray tokens = map.reshape(n, dim, h * w).transpose(0, 2, 1);
        if (cls != null) {
            tokens = NDArrays.concat(new NDList(cls, tokens), 1);
        }
        for (Block b : blocks) {
            tokens = b.forward(ps, new NDList(tokens), training).singletonOrThrow();
        }
        NDArray patches = cls != null ? tokens.get(new NDIndex(":, 1:")) : tokens;
        NDArray out = patches.transpose(0, 2, 1).reshape(n, dim, h, w);
        return cls != null ? new NDList(out, tokens.get(new NDIndex(":, :1"))) : new NDList(out);
    }

    private Shape mapOut(Shape in) {
        if (poolConv == null) {
            return in;
        }
        return poolConv.getOutputShapes(new Shape[] {in})[0];
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape map = mapOut(inputs[0]);
        return classToken ? new Shape[] {map, new Shape(map.get(0), 1, dim)} : new Shape[] {map};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape map = inputs[0];
        if (poolConv != null) {
            poolConv.initialize(manager, dataType, map);
            map = mapOut(map);
            if (poolFc != null) {
                poolFc.initialize(manager, dataType, new Shape(map.get(0), 1, inDim));
            }
        }
        Shape tokens = new Shape(map.get(0), map.get(2) * map.get(3) + (classToken ? 1 : 0), dim);
        for (Block b : blocks) {
            b.initialize(manager, dataType, tokens);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input);
        if (poolConv != null) {
            acc.then(poolConv);
            if (poolFc != null) {
                acc.branch(poolFc, new Shape(input.get(0), 1, inDim));
            }
        }
        Shape map = acc.shape();
        acc.shape(new Shape(map.get(0), map.get(2) * map.get(3) + (classToken ? 1 : 0), dim));
        for (Block b : blocks) {
            acc.then(b);
        }
        return acc.done(map);
    }
}
