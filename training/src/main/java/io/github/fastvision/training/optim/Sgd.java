package io.github.fastvision.training.optim;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Stochastic gradient descent with momentum 0.9, optionally Nesterov's, with PyTorch's semantics:
 * weight decay is added to the gradient, {@code buf = μ·buf + g}, and the step is {@code g + μ·buf}
 * (Nesterov) or {@code buf}.
 */
public final class Sgd extends Optimizer {

    /** Momentum of every SGD recipe in the papers. */
    public static final float MOMENTUM = 0.9f;

    private final boolean nesterov;
    private final List<NDArray> buffers;

    /**
     * Creates the optimizer.
     *
     * @param params parameters
     * @param weightDecay L2 weight decay
     * @param nesterov whether to use Nesterov momentum
     */
    public Sgd(List<TrainableParameter> params, double weightDecay, boolean nesterov) {
        super(params, weightDecay);
        this.nesterov = nesterov;
        this.buffers = zerosLike();
    }

    @Override
    protected void update(int index, TrainableParameter p, NDArray grad, float lr) {
        NDArray w = p.array();
        NDArray g = p.decay() && weightDecay > 0 ? grad.add(w.mul((float) weightDecay)) : grad;
        NDArray buf = buffers.get(index);
        buf.muli(MOMENTUM).addi(g);
        NDArray d = nesterov ? g.add(buf.mul(MOMENTUM)) : buf;
        w.subi(d.mul(lr));
    }

    @Override
    public List<NDArray> state() {
        return buffers;
    }
}
