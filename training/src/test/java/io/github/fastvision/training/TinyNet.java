package io.github.fastvision.training;

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
 * A tiny classifier for trainer tests: a 3×3 stride-2 conv-BN-ReLU stem, a 3×3 conv-BN-ReLU, global
 * average pooling and a linear layer. Batch norm gives the checkpoint buffers to carry.
 */
final class TinyNet extends AbstractBlock {

    private final int width;
    private final Block stem;
    private final Block conv;
    private final Block fc;

    TinyNet(int inChannels, int width, int classes) {
        super((byte) 1);
        this.width = width;
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
        this.conv =
                addChildBlock(
                        "conv",
                        ConvBn.builder()
                                .setInChannels(width)
                                .setOutChannels(width)
                                .optKernel(3)
                                .optAct(Act.RELU)
                                .build());
        this.fc = addChildBlock("fc", Linear.builder().setUnits(classes).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = stem.forward(ps, inputs, training).singletonOrThrow();
        NDArray y = conv.forward(ps, new NDList(x), training).singletonOrThrow();
        NDArray pooled = y.reshape(y.getShape().get(0), width, -1).mean(new int[] {2});
        return fc.forward(ps, new NDList(pooled), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {
            fc.getOutputShapes(new Shape[] {new Shape(inputs[0].get(0), width)})[0]
        };
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = ChildBlocks.init(stem, manager, dataType, inputShapes[0]);
        conv.initialize(manager, dataType, s);
        fc.initialize(manager, dataType, new Shape(s.get(0), width));
    }
}
