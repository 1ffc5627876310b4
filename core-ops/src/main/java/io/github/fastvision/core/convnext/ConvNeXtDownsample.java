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
 * ConvNeXt's downsampling layer between stages (thesis §4.3): channels-first LayerNorm, then a 2×2
 * convolution with stride 2. Children: {@code norm}, {@code conv}.
 */
public class ConvNeXtDownsample extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final int inChannels;
    private final int outChannels;
    private final LayerNorm2d norm;
    private final Conv2d conv;

    /**
     * Creates the layer.
     *
     * @param inChannels input width
     * @param outChannels output width
     */
    public ConvNeXtDownsample(int inChannels, int outChannels) {
        super(VERSION);
        this.inChannels = Checks.atLeast("inChannels", inChannels, 1);
        this.outChannels = Checks.atLeast("outChannels", outChannels, 1);
        norm = addChildBlock("norm", new LayerNorm2d(inChannels, 1e-6f));
        conv =
                addChildBlock(
                        "conv",
                        Conv2d.builder()
                                .setKernelShape(new Shape(2, 2))
                                .setFilters(outChannels)
                                .optStride(new Shape(2, 2))
                                .build());
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.nchw("ConvNeXtDownsample", x, inChannels);
        return new NDList(
                ChildBlocks.forward(
                        conv, ps, ChildBlocks.forward(norm, ps, x, training), training));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape in = inputs[0];
        Checks.nchw("ConvNeXtDownsample", in, inChannels);
        return new Shape[] {new Shape(in.get(0), outChannels, in.get(2) / 2, in.get(3) / 2)};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        ChildBlocks.init(
                conv, manager, dataType, ChildBlocks.init(norm, manager, dataType, inputs[0]));
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        return Cost.from(input).then(norm).then(conv).done();
    }
}
