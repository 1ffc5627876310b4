package io.github.fastvision.models.hrnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.anytime.AnytimeContext;
import io.github.fastvision.core.anytime.MaskedConvBn;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.layers.ChildBlocks;
import io.github.fastvision.models.heads.ExitHead;
import java.util.ArrayList;
import java.util.List;

/**
 * HRNet's high-resolution module: every branch runs its basic blocks, then every output branch i
 * fuses all branches j: j = i as is, j > i by 1×1 conv + BN and bilinear upsampling, j < i by (i −
 * j) stride-2 3×3 conv + BN steps (ReLU between them); the sum goes through a ReLU.
 *
 * <p>Children: {@code branch_k_b} (block b of branch k), {@code fuse_i_j_s}.
 */
final class HRModule extends MultiBranchBlock {

    private final int[] channels;
    private final List<List<HRBasicBlock>> branches = new ArrayList<>();
    private final List<List<List<MaskedConvBn>>> fuse = new ArrayList<>();

    HRModule(int[] channels, int blocks, boolean adaptive) {
        this.channels = channels.clone();
        int n = channels.length;
        for (int k = 0; k < n; k++) {
            List<HRBasicBlock> list = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                list.add(
                        addChildBlock(
                                "branch_" + k + "_" + b,
                                HRBasicBlock.basic(channels[k], channels[k], adaptive)));
            }
            branches.add(list);
        }
        if (n > 1) {
            for (int i = 0; i < n; i++) {
                List<List<MaskedConvBn>> row = new ArrayList<>();
                for (int j = 0; j < n; j++) {
                    List<MaskedConvBn> path = new ArrayList<>();
                    if (j > i) {
                        path.add(
                                addChildBlock(
                                        "fuse_" + i + "_" + j + "_0",
                                        MaskedConvBn.builder()
                                                .setInChannels(channels[j])
                                                .setOutChannels(channels[i])
                                                .setKernel(1)
                                                .optAdaptive(adaptive)
                                                .build()));
                    } else if (j < i) {
                        for (int s = 0; s < i - j; s++) {
                            boolean last = s == i - j - 1;
                            path.add(
                                    addChildBlock(
                                            "fuse_" + i + "_" + j + "_" + s,
                                            MaskedConvBn.builder()
                                                    .setInChannels(channels[j])
                                                    .setOutChannels(
                                                            last ? channels[i] : channels[j])
                                                    .setKernel(3)
                                                    .optStride(2)
                                                    .optRelu(!last)
                                                    .optAdaptive(adaptive)
                                                    .build()));
                        }
                    }
                    row.add(path);
                }
                fuse.add(row);
            }
        }
    }

    @Override
    int[] inChannels() {
        return channels.clone();
    }

    @Override
    int[] outChannels() {
        return channels.clone();
    }

    @Override
    List<NDArray> forward(
            ParameterStore ps, List<NDArray> x, boolean training, AnytimeContext ctx) {
        int n = channels.length;
        if (x.size() != n) {
            throw new IllegalArgumentException(
                    "HRNet module expects " + n + " branches but got " + x.size());
        }
        List<NDArray> y = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            NDArray b = x.get(k);
            for (HRBasicBlock block : branches.get(k)) {
                b = block.forward(ps, b, training, ctx);
            }
            y.add(b);
        }
        if (n == 1) {
            return y;
        }
        List<NDArray> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Shape target = y.get(i).getShape();
            NDArray sum = y.get(i);
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                NDArray t = y.get(j);
                for (MaskedConvBn conv : fuse.get(i).get(j)) {
                    t = conv.forward(ps, t, training, ctx);
                }
                if (j > i) {
                    t = ExitHead.resize(t, target.get(2), target.get(3));
                }
                sum = sum.add(t);
            }
            out.add(Activation.relu(sum));
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        int n = channels.length;
        for (int k = 0; k < n; k++) {
            for (HRBasicBlock block : branches.get(k)) {
                ChildBlocks.init(block, manager, dataType, inputs[k]);
            }
        }
        for (int i = 0; i < fuse.size(); i++) {
            for (int j = 0; j < n; j++) {
                Shape s = inputs[j];
                for (MaskedConvBn conv : fuse.get(i).get(j)) {
                    s = ChildBlocks.init(conv, manager, dataType, s);
                }
            }
        }
    }

    @Override
    Cost costBranches(Shape[] in) {
        Cost.Accumulator acc = Cost.from(in[0]);
        int n = channels.length;
        for (int k = 0; k < n; k++) {
            Shape s = in[k];
            for (HRBasicBlock block : branches.get(k)) {
                Cost c = block.cost(s);
                acc.params(c.params()).macs(c.macs());
                s = c.output();
            }
        }
        for (int i = 0; i < fuse.size(); i++) {
            for (int j = 0; j < n; j++) {
                Shape s = in[j];
                for (MaskedConvBn conv : fuse.get(i).get(j)) {
                    Cost c = conv.cost(s);
                    acc.params(c.params()).macs(c.macs());
                    s = c.output();
                }
            }
        }
        return acc.done(in[0]);
    }
}
