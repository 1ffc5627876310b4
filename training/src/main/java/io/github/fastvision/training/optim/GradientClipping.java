package io.github.fastvision.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.List;

/** Global gradient-norm computation and clipping (PyTorch's {@code clip_grad_norm_}). */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * Returns the global L2 norm of the gradients and, when {@code maxNorm > 0} and the norm is
     * above it, scales them down to it.
     *
     * @param params the parameters
     * @param maxNorm the clip (0: only measure)
     * @return the norm before clipping (NaN or infinite when a gradient is)
     */
    public static double clip(List<TrainableParameter> params, double maxNorm) {
        try (NDScope ignored = new NDScope()) {
            NDArray total = null;
            for (TrainableParameter p : params) {
                NDArray s = p.array().getGradient().square().sum();
                total = total == null ? s : total.addi(s);
            }
            double norm = Math.sqrt(total.getFloat());
            if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
                float scale = (float) (maxNorm / (norm + 1e-6));
                for (TrainableParameter p : params) {
                    p.array().getGradient().muli(scale);
                }
            }
            return norm;
        }
    }
}
