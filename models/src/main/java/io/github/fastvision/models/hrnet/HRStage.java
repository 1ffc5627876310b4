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
 * One HRNet stage after the first: a transition (3×3 conv where a kept branch changes width; a
 * stride-2 3×3 conv from the lowest-resolution branch for each new branch) and its modules.
 *
 * <p>Children: {@code transition_k_s}, {@code module_m}.
 */
final class HRStage extends MultiBranchBlock {

    private final int[] in;
    private final int[] out;
    private final List<List<MaskedConvBn>> transition = new ArrayList<>();
    private final List<HRModule> modules = new ArrayList<>();

    HRStage(int[] in, int[] out, int numModules, int blocks, boolean adaptive) {
        this.in = in.clone();
        this.out = out.clone();
        for (int k = 0; k < out.length; k++) {
            List<MaskedConvBn> path = new ArrayList<>();
            if (k < in.length) {
                if (in[k] != out[k]) {
                    path.add(
                            addChildBlock(
                                    "transition_" + k + "_0",
                                    MaskedConvBn.builder()
                                            .setInChannels(in[k])
                                            .setOutChannels(out[k])
                                            .setKernel(3)
                                            .optRelu(true)
                                            .optAdaptive(adaptive)
                                            .build()));
                }
            } else {
                int src = in[in.length - 1];
                int steps = k + 1 - in.length;
                for (int s = 0; s < steps; s++) {
                    int o = s == steps - 1 ? out[k] : src;
                    path.add(
                            addChildBlock(
                                    "transition_" + k + "_" + s,
                                    MaskedConvBn.builder()
                                            .setInChannels(src)
                                            .setOutChannels(o)
                                            .setKernel(3)
                                            .optStride(2)
                                            .optRelu(true)
                                            .optAdaptive(adaptive)
                                            .build()));
                }
            }
            transition.add(path);
        }
        for (int m = 0; m < numModules; m++) {
            modules.add(addChildBlock("module_" + m, new HRModule(out, blocks, adaptive)));
        }
    }

    @Override
    int[] inChannels() {
        return in.clone();
    }

    @Override
    int[] outChannels() {
        return out.clone();
    }

    @Override
    List<NDArray> forward(
            ParameterStore ps, List<NDArray> x, boolean training, AnytimeContext ctx) {
        if (x.size() != in.length) {
            throw new IllegalArgumentException(
                    "HRNet stage expects " + in.length + " branches but got " + x.size());
        }
        List<NDArray> y = new ArrayList<>(out.length);
        for (int k = 0; k < out.length; k++) {
            NDArray t = k < in.length ? x.get(k) : x.get(in.length - 1);
            for (MaskedConvBn conv : transition.get(k)) {
                t = conv.forward(ps, t, training, ctx);
            }
            y.add(t);
        }
        for (HRModule module : modules) {
            y = module.forward(ps, y, training, ctx);
        }
        return y;
    }

    private Shape[] transitionShapes(Shape[] inputs) {
        Shape[] s = new Shape[out.length];
        for (int k = 0; k < out.length; k++) {
            s[k] = branchShape(inputs[0], out[k], k);
        }
        return s;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        for (int k = 0; k < out.length; k++) {
            Shape s = k < in.length ? inputs[k] : inputs[in.length - 1];
            for (MaskedConvBn conv : transition.get(k)) {
                s = ChildBlocks.init(conv, manager, dataType, s);
            }
        }
        Shape[] s = transitionShapes(inputs);
        for (HRModule module : modules) {
            module.initialize(manager, dataType, s);
        }
    }

    @Override
    Cost costBranches(Shape[] inputs) {
        Cost.Accumulator acc = Cost.from(inputs[0]);
        for (int k = 0; k < out.length; k++) {
            Shape s = k < in.length ? inputs[k] : inputs[in.length - 1];
            for (MaskedConvBn conv : transition.get(k)) {
                Cost c = conv.cost(s);
                acc.params(c.params()).macs(c.macs());
                s = c.output();
            }
        }
        Shape[] s = transitionShapes(inputs);
        for (HRModule module : modules) {
            Cost c = module.costBranches(s);
            acc.params(c.params()).macs(c.macs());
        }
        return acc.done(s[0]);
    }
}
