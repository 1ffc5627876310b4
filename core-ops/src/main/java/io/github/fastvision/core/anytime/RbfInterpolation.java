package io.github.fastvision.core.anytime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Fills the skipped positions of a sparse feature map from their neighbours (thesis §2.3.4, Eqs.
 * 2.4–2.6):
 *
 * <pre>
 *   f*(p) = f(p)                                   where M(p) = 1 (computed)
 *   f*(p) = Σ_{s∈Ω(p)} W(p,s) f(s) / Σ_{s∈Ω(p)} W(p,s)   where M(p) = 0 (skipped)
 *   Ω(p)  = { s : ‖s − p‖∞ ≤ r, s ≠ p, s inside the map },   W(p,s) = exp(−λ² ‖p − s‖²)
 * </pre>
 *
 * Skipped positions take part as inputs with the value 0, as the thesis says. The RBF kernel on a
 * square window is separable, exp(−λ²(dx² + dy²)) = exp(−λ²dx²)·exp(−λ²dy²), so the weighted sum
 * runs as two 1-D passes: 2(2r+1) multiply-adds per channel and position instead of (2r+1)². The
 * centre term drops out of the numerator because f(p) = 0 at a skipped position, and is subtracted
 * from the denominator. Gradients reach the features and λ. {@link RbfFilter} chooses between
 * matrix products and depthwise convolutions.
 */
public final class RbfInterpolation {

    /** The thesis's radius (§2.3.4, ablation in Table 2.3). */
    public static final int DEFAULT_RADIUS = 7;

    private RbfInterpolation() {}

    /**
     * Applies Eq. 2.4: keeps computed positions and interpolates skipped ones.
     *
     * @param sparse (N, C, H, W), zero at skipped positions
     * @param compute (N, 1, H, W), 1 where computed and 0 where skipped
     * @param lambda λ, a scalar array
     * @param radius r ≥ 1
     * @return (N, C, H, W)
     */
    public static NDArray fill(NDArray sparse, NDArray compute, NDArray lambda, int radius) {
        if (radius < 1) {
            throw new IllegalArgumentException(
                    "interpolation radius must be >= 1 but was " + radius);
        }
        Shape s = sparse.getShape();
        Shape ms = compute.getShape();
        if (s.dimension() != 4
                || ms.dimension() != 4
                || ms.get(1) != 1
                || ms.get(0) != s.get(0)
                || ms.get(2) != s.get(2)
                || ms.get(3) != s.get(3)) {
            throw new IllegalArgumentException(
                    "expected features (N, C, H, W) and a mask (N, 1, H, W) of the same N, H, W but got "
                            + s
                            + " and "
                            + ms);
        }
        // A filter per call: arrays attach to the features' manager and keep λ's gradient path
        // through the weighted sum. The normalizer 1 / Σ W enters the gradient as a constant:
        // differentiating through it produced NaN gradients for λ in HRNet training runs
        // (libtorch 2.7.1 CPU), while the forward values are the same.
        RbfFilter filter = new RbfFilter(lambda, radius, sparse.getManager());
        NDArray constantLambda = lambda.stopGradient();
        constantLambda.attach(sparse.getManager());
        RbfFilter normalizer = new RbfFilter(constantLambda, radius, sparse.getManager());
        return fill(
                sparse,
                filter,
                compute.neg().add(1f).mul(normalizer.inverseDenominator(s.get(2), s.get(3))));
    }

    /**
     * Eq. 2.4 with a prepared filter: sparse + Σ W f · (1 − M) / Σ W.
     *
     * @param sparse (N, C, H, W), zero at skipped positions
     * @param filter the RBF filter
     * @param skipOverDenominator (N, 1, H, W): (1 − M) / Σ W
     * @return the filled map
     */
    static NDArray fill(NDArray sparse, RbfFilter filter, NDArray skipOverDenominator) {
        // Temporaries are closed as soon as they are consumed, so the allocator can reuse their
        // memory while it is still in cache; a training graph keeps its own references.
        NDArray sum = filter.windowSum(sparse);
        NDArray weighted = sum.mul(skipOverDenominator);
        sum.close();
        NDArray out = sparse.add(weighted);
        weighted.close();
        return out;
    }

    /**
     * Multiply-adds of {@link #fill} counted at the skipped positions only, as the thesis counts
     * it: 2(2r+1) per channel and skipped position.
     *
     * @param channels C
     * @param skipped skipped positions (summed over the batch)
     * @param radius r
     * @return multiply-adds
     */
    public static long macs(long channels, long skipped, int radius) {
        return channels * skipped * 2L * (2L * radius + 1);
    }
}
