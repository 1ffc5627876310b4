package io.github.fastvision.core.convnext;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.core.layers.LayerNorm2d;

/**
 * ConvNeXt's "patchify" stem (thesis §4.3): a 4×4 convolution with stride 4, then a channels-first
 * LayerNorm. Children: {@code conv}, {@code norm}.
 */
public class ConvNeXtStem extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final int inChannels;
    private final int outChannels;
    private final int patch;
    private final Conv2d conv;
    private final LayerNorm2d norm;

    /**
     * Creates the stem.
     *
     * @param inChannels image channels
     * @param outChannels first stage width
     * @param patch patch size and stride (4 in ConvNeXt)
     */
    public ConvNeXtStem(int inChannels, int outChannels, int patch) {
        super(VERSION);
        this.inChannels = Checks.atLeast("inChannels", inChannels, 1);
        this.outChannels = Checks.atLeast("outChannels", outChannels, 1);
        this.patch = Checks.atLeast("patch", patch, 1);
        conv =
                addChildBlock(
                        "conv",
                        Conv2d.builder()
                                .setKernelShape(new Shape(patch, patch))
                                .setFilters(outChannels)
                                .optStride(new Shape(patch, patch))
                                .build());
        norm = addChildBlock("norm", new LayerNorm2d(outChannels, 1e-6f));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.nchw("ConvNeXtStem", x, inChannels);
        return new NDList(
                ChildBlocks.forward(
                        norm, ps, ChildBlocks.forward(conv, ps, x, training), training));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        Checks.nchw("ConvNeXtStem", in, inChannels);
        return new Shape[] {
            new Shape(in.get(0), outChannels, in.get(2) / patch, in.get(3) / patch)
        };
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        ChildBlocks.init(
                norm, manager, dataType, ChildBlocks.init(conv, manager, dataType, inputs[0]));
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return Cost.from(input).then(conv).then(norm).done();
    }
}
