package io.github.fastvision.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import io.github.fastvision.models.ParameterNames;
import java.util.ArrayList;
import java.util.List;

/**
 * Exponential moving average of every parameter and buffer (batch-norm statistics included), as
 * timm's {@code ModelEmaV2}: {@code ema ← d·ema + (1 − d)·w} after each step, with the decay warmed
 * up as {@code min(d, (1 + t) / (10 + t))} so that short runs are not dominated by the
 * initialization. {@link #swap()} exchanges the averaged and the live weights for evaluation.
 */
public final class ModelEma {

    private final double decay;
    private final List<NDArray> live = new ArrayList<>();
    private final List<NDArray> averaged = new ArrayList<>();

    /**
     * Starts averaging from the block's current weights.
     *
     * @param block an initialized block
     * @param decay the decay in (0, 1)
     */
    public ModelEma(Block block, double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in (0, 1) but was " + decay);
        }
        this.decay = decay;
        for (ParameterNames.Named p : ParameterNames.of(block)) {
            NDArray a = p.parameter().getArray();
            live.add(a);
            NDArray copy = a.duplicate();
            copy.setRequiresGradient(false);
            averaged.add(copy);
        }
    }

    /**
     * Folds the current weights into the average.
     *
     * @param step the optimizer step just taken (1-based)
     */
    public void update(long step) {
        float d = (float) Math.min(decay, (1.0 + step) / (10.0 + step));
        try (NDScope ignored = new NDScope()) {
            for (int i = 0; i < live.size(); i++) {
                averaged.get(i).muli(d).addi(live.get(i).mul(1 - d));
            }
        }
    }

    /** Exchanges live and averaged weights in place (call twice to undo). */
    public void swap() {
        try (NDScope ignored = new NDScope()) {
            for (int i = 0; i < live.size(); i++) {
                NDArray a = live.get(i);
                NDArray e = averaged.get(i);
                NDArray keep = a.duplicate();
                a.muli(0).addi(e);
                e.muli(0).addi(keep);
            }
        }
    }

    /**
     * Returns the averaged arrays, for checkpoints.
     *
     * @return the arrays (live: restoring writes into them)
     */
    public List<NDArray> state() {
        return averaged;
    }
}
