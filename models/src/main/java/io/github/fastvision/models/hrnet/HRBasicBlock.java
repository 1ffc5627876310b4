package io.github.fastvision.models.hrnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.anytime.MaskedConvBn;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.cost.Countable;
import io.github.fastvision.core.layers.ChildBlocks;

/**
 * HRNet's residual units: the basic block (3×3 → 3×3) of the branches and the bottleneck (1×1 → 3×3
 * → 1×1, expansion 4) of stage 1, with a 1×1 projection shortcut when widths differ.
 *
 * <p>Children: {@code conv1}, {@code conv2}[, {@code conv3}][, {@code downsample}].
 */
final class HRBasicBlock extends AbstractBlock implements Countable {

    private static final byte VERSION = 1;

    private final MaskedConvBn conv1;
    private final MaskedConvBn conv2;
    private final MaskedConvBn conv3;
    private final MaskedConvBn downsample;

    private HRBasicBlock(int in, int planes, boolean bottleneck, boolean adaptive) {
        super(VERSION);
        int out = bottleneck ? planes * 4 : planes;
        if (bottleneck) {
            conv1 =
                    addChildBlock(
                            "conv1",
                            MaskedConvBn.builder()
                                    .setInChannels(in)
                                    .setOutChannels(planes)
                                    .setKernel(1)
                                    .optRelu(true)
                                    .optAdaptive(adaptive)
                                    .build());
            conv2 =
                    addChildBlock(
                            "conv2",
                            MaskedConvBn.builder()
                                    .setInChannels(planes)
                                    .setOutChannels(planes)
                                    .setKernel(3)
                                    .optRelu(true)
                                    .optAdaptive(adaptive)
                                    .build());
            conv3 =
                    addChildBlock(
                            "conv3",
                            MaskedConvBn.builder()
                                    .setInChannels(planes)
                                    .setOutChannels(out)
                                    .setKernel(1)
                                    .optAdaptive(adaptive)
                                    .build());
        } else {
            conv1 =
                    addChildBlock(
                            "conv1",
                            MaskedConvBn.builder()
                                    .setInChannels(in)
                                    .setOutChannels(planes)
                                    .setKernel(3)
                                    .optRelu(true)
                                    .optAdaptive(adaptive)
                                    .build());
            conv2 =
                    addChildBlock(
                            "conv2",
                            MaskedConvBn.builder()
                                    .setInChannels(planes)
                                    .setOutChannels(planes)
                                    .setKernel(3)
                                    .optAdaptive(adaptive)
                                    .build());
            conv3 = null;
        }
        downsample =
                in != out
                        ? addChildBlock(
                                "downsample",
                                MaskedConvBn.builder()
                                        .setInChannels(in)
                                        .setOutChannels(out)
                                        .setKernel(1)
                                        .optAdaptive(adaptive)
                                        .build())
                        : null;
    }

    /**
     * A basic block of the branches.
     *
     * @param in input channels
     * @param planes output channels
     * @param adaptive whether its convolutions take part in confidence adaptivity
     * @return the block
     */
    static HRBasicBlock basic(int in, int planes, boolean adaptive) {
        return new HRBasicBlock(in, planes, false, adaptive);
    }

    /**
     * A bottleneck of stage 1.
     *
     * @param in input channels
     * @param planes inner channels (output is 4×)
     * @return the block
     */
    static HRBasicBlock bottleneck(int in, int planes) {
        return new HRBasicBlock(in, planes, true, false);
    }

    NDArray forward(ParameterStore ps, NDArray x, boolean training, AnytimeContext ctx) {
        NDArray y = conv2.forward(ps, conv1.forward(ps, x, training, ctx), training, ctx);
        if (conv3 != null) {
            y = conv3.forward(ps, y, training, ctx);
        }
        NDArray shortcut = downsample == null ? x : downsample.forward(ps, x, training, ctx);
        return Activation.relu(y.add(shortcut));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(ps, inputs.singletonOrThrow(), training, null));
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape[] s = conv2.getOutputShapes(conv1.getOutputShapes(inputs));
        return conv3 == null ? s : conv3.getOutputShapes(s);
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s =
                ChildBlocks.init(
                        conv2,
                        manager,
                        dataType,
                        ChildBlocks.init(conv1, manager, dataType, inputs[0]));
        if (conv3 != null) {
            ChildBlocks.init(conv3, manager, dataType, s);
        }
        if (downsample != null) {
            ChildBlocks.init(downsample, manager, dataType, inputs[0]);
        }
    }

    /** {@inheritDoc} */
    @Override
    public Cost cost(Shape input) {
        Cost.Accumulator acc = Cost.from(input).then(conv1).then(conv2);
        if (conv3 != null) {
            acc.then(conv3);
        }
        if (downsample != null) {
            acc.branch(downsample, input);
        }
        return acc.done();
    }
}
