package io.github.fastvision.models.hrnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.anytime.MaskedConvBn;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.layers.ChildBlocks;
import java.util.ArrayList;
import java.util.List;

/**
 * HRNet's stem (two stride-2 3×3 conv + BN + ReLU, 64 channels, 1/4 resolution) or its first stage
 * (bottlenecks, 64 → 256 channels); one branch in, one out, never masked.
 *
 * <p>Children: {@code conv1}, {@code conv2} (stem) or {@code block_b} (stage 1).
 */
final class HRStem extends MultiBranchBlock {

    private final int in;
    private final int out;
    private final List<MaskedConvBn> convs = new ArrayList<>();
    private final List<HRBasicBlock> blocks = new ArrayList<>();

    private HRStem(int in, int out) {
        this.in = in;
        this.out = out;
    }

    static HRStem stem(int inChannels, int width) {
        HRStem s = new HRStem(inChannels, width);
        s.convs.add(
                s.addChildBlock(
                        "conv1",
                        MaskedConvBn.builder()
                                .setInChannels(inChannels)
                                .setOutChannels(width)
                                .setKernel(3)
                                .optStride(2)
                                .optRelu(true)
                                .optAdaptive(false)
                                .build()));
        s.convs.add(
                s.addChildBlock(
                        "conv2",
                        MaskedConvBn.builder()
                                .setInChannels(width)
                                .setOutChannels(width)
                                .setKernel(3)
                                .optStride(2)
                                .optRelu(true)
                                .optAdaptive(false)
                                .build()));
        return s;
    }

    static HRStem stage1(int in, int planes, int numBlocks) {
        HRStem s = new HRStem(in, planes * 4);
        for (int b = 0; b < numBlocks; b++) {
            s.blocks.add(
                    s.addChildBlock(
                            "block_" + b,
                            HRBasicBlock.bottleneck(b == 0 ? in : planes * 4, planes)));
        }
        return s;
    }

    @Override
    int[] inChannels() {
        return new int[] {in};
    }

    @Override
    int[] outChannels() {
        return new int[] {out};
    }

    @Override
    List<NDArray> forward(
            ParameterStore ps, List<NDArray> x, boolean training, AnytimeContext ctx) {
        NDArray y = x.get(0);
        for (MaskedConvBn c : convs) {
            y = c.forward(ps, y, training, ctx);
        }
        for (HRBasicBlock b : blocks) {
            y = b.forward(ps, y, training, ctx);
        }
        List<NDArray> out = new ArrayList<>(1);
        out.add(y);
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        for (MaskedConvBn c : convs) {
            s = c.getOutputShapes(new Shape[] {s})[0];
        }
        return new Shape[] {new Shape(s.get(0), out, s.get(2), s.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s = inputs[0];
        for (MaskedConvBn c : convs) {
            s = ChildBlocks.init(c, manager, dataType, s);
        }
        for (HRBasicBlock b : blocks) {
            s = ChildBlocks.init(b, manager, dataType, s);
        }
    }

    @Override
    Cost costBranches(Shape[] inputs) {
        Cost.Accumulator acc = Cost.from(inputs[0]);
        for (MaskedConvBn c : convs) {
            acc.then(c);
        }
        for (HRBasicBlock b : blocks) {
            acc.then(b);
        }
        return acc.done();
    }
}
