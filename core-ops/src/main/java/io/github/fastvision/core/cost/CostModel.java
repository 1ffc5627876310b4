package io.github.fastvision.core.cost;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;

/** Counting rules for DJL's built-in layers, used by {@link Cost#of}. */
final class CostModel {

    private CostModel() {}

    static Cost of(Block block, Shape in) {
        if (block instanceof Countable) {
            return ((Countable) block).cost(in);
        }
        if (block instanceof Conv2d) {
            return conv(((Conv2d) block), in);
        }
        if (block instanceof Linear) {
            // fastvision builds every Linear with a bias (DJL's default).
            Shape out = block.getOutputShapes(new Shape[] {in})[0];
            long inFeatures = in.get(in.dimension() - 1);
            long units = out.get(out.dimension() - 1);
            long rows = in.size() / inFeatures;
            return new Cost(inFeatures * units + units, rows * inFeatures * units, out);
        }
        if (block instanceof BatchNorm) {
            return new Cost(2 * in.get(1), 0, in);
        }
        if (block instanceof SequentialBlock) {
            Cost.Accumulator acc = Cost.from(in);
            for (Block child : block.getChildren().values()) {
                acc.then(child);
            }
            return acc.done();
        }
        throw new IllegalArgumentException(
                "cannot count " + block.getClass().getName() + ": implement Countable");
    }

    private static Cost conv(Conv2d conv, Shape in) {
        Shape out = conv.getOutputShapes(new Shape[] {in})[0];
        long cin = in.get(1);
        long kernel = conv.getKernelShape().size();
        long weights = kernel * cin / conv.getGroups() * conv.getFilters();
        long bias = conv.isIncludeBias() ? conv.getFilters() : 0;
        long positions = out.get(0) * out.get(2) * out.get(3);
        return new Cost(weights + bias, weights * positions, out);
    }
}
