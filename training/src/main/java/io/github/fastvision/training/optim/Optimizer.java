package io.github.fastvision.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import io.github.fastvision.training.recipe.OptimizerKind;
import java.util.ArrayList;
import java.util.List;

/**
 * An optimizer over a fixed list of parameters whose state (momentum buffers, moments, step count)
 * can be saved and restored exactly, so a resumed run continues bit for bit. Updates run in place
 * under an {@link NDScope}, so no temporary array outlives a step.
 */
public abstract class Optimizer {

    protected final List<TrainableParameter> params;
    protected final double weightDecay;
    protected long steps;

    /**
     * Creates the optimizer.
     *
     * @param params the parameters
     * @param weightDecay weight decay for the parameters that take it
     */
    protected Optimizer(List<TrainableParameter> params, double weightDecay) {
        if (params.isEmpty()) {
            throw new IllegalArgumentException(
                    "nothing to optimize: the model has no trainable parameters");
        }
        this.params = List.copyOf(params);
        this.weightDecay = weightDecay;
    }

    /**
     * Creates an optimizer of a kind.
     *
     * @param kind the kind
     * @param params the parameters
     * @param weightDecay weight decay
     * @return the optimizer
     */
    public static Optimizer create(
            OptimizerKind kind, List<TrainableParameter> params, double weightDecay) {
        switch (kind) {
            case SGD:
                return new Sgd(params, weightDecay, false);
            case SGD_NESTEROV:
                return new Sgd(params, weightDecay, true);
            case ADAMW:
                return new AdamW(params, weightDecay);
            default:
                throw new AssertionError(kind);
        }
    }

    /**
     * Applies one update from the parameters' gradients, then zeroes the gradients.
     *
     * @param lr the learning rate of this step
     */
    public final void step(float lr) {
        steps++;
        try (NDScope ignored = new NDScope()) {
            for (int i = 0; i < params.size(); i++) {
                TrainableParameter p = params.get(i);
                NDArray grad = p.array().getGradient();
                update(i, p, grad, lr);
                grad.muli(0);
            }
        }
    }

    /**
     * Updates one parameter in place.
     *
     * @param index the parameter's index
     * @param p the parameter
     * @param grad its gradient
     * @param lr learning rate
     */
    protected abstract void update(int index, TrainableParameter p, NDArray grad, float lr);

    /**
     * Returns the state arrays, in a fixed order, for checkpoints.
     *
     * @return the arrays (live: restoring writes into them)
     */
    public abstract List<NDArray> state();

    /**
     * Returns the number of steps taken.
     *
     * @return steps
     */
    public long steps() {
        return steps;
    }

    /**
     * Restores the step count (the arrays are restored through {@link #state()}).
     *
     * @param steps steps taken
     */
    public void setSteps(long steps) {
        this.steps = steps;
    }

    /** Allocates one zero buffer per parameter next to it. */
    protected List<NDArray> zerosLike() {
        List<NDArray> out = new ArrayList<>(params.size());
        for (TrainableParameter p : params) {
            out.add(p.array().getManager().zeros(p.array().getShape(), p.array().getDataType()));
        }
        return out;
    }
}
