package io.github.fastvision.training.optim;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter 2019) with PyTorch's semantics: decoupled decay {@code w ← w·(1 −
 * lr·λ)}, bias-corrected moments, β = (0.9, 0.999), ε = 1e-8.
 */
public final class AdamW extends Optimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final List<NDArray> first;
    private final List<NDArray> second;

    /**
     * Creates the optimizer.
     *
     * @param params parameters
     * @param weightDecay decoupled weight decay
     */
    public AdamW(List<TrainableParameter> params, double weightDecay) {
        super(params, weightDecay);
        this.first = zerosLike();
        this.second = zerosLike();
    }

    @Override
    protected void update(int index, TrainableParameter p, NDArray grad, float lr) {
        NDArray w = p.array();
        if (p.decay() && weightDecay > 0) {
            w.muli((float) (1 - lr * weightDecay));
        }
        NDArray m = first.get(index);
        NDArray v = second.get(index);
        m.muli(BETA1).addi(grad.mul(1 - BETA1));
        v.muli(BETA2).addi(grad.square().muli(1 - BETA2));
        double bc1 = 1 - Math.pow(BETA1, steps);
        double bc2 = 1 - Math.pow(BETA2, steps);
        NDArray denom = v.sqrt().divi((float) Math.sqrt(bc2)).addi(EPS);
        w.subi(m.div(denom).muli((float) (lr / bc1)));
    }

    @Override
    public List<NDArray> state() {
        List<NDArray> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
