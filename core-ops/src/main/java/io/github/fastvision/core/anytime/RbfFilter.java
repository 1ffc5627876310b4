package io.github.fastvision.core.anytime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import java.util.HashMap;
import java.util.Map;

/**
 * The RBF window sum Σ_{‖s−p‖∞≤r} exp(−λ²‖p−s‖²) f(s) of {@link RbfInterpolation}, computed two
 * ways with equal results: on maps up to {@link #MATMUL_MAX_SIDE} a side as two matrix products
 * with banded Toeplitz matrices, T_H · f · T_W (T[i][j] = exp(−λ²(i−j)²) for |i−j| ≤ r, else 0),
 * and on larger maps as a 1×(2r+1) and a (2r+1)×1 depthwise convolution. On libtorch's CPU kernels
 * the matrix products were measured 10–30× faster than the depthwise convolutions for HRNet's map
 * sizes at 64–128 px inputs, whose non-square depthwise kernels have no vectorized path. Banded
 * matrices, kernels and denominators are kept per size: build one filter per λ value (per training
 * step, or once for inference).
 */
final class RbfFilter {

    /** Added to the denominators: 10⁻⁶. */
    static final float DENOMINATOR_EPSILON = 1e-6f;

    /**
     * Upper bound on λ² (exp(−20) ≈ 2·10⁻⁹ keeps the nearest neighbours' weights normal floats, so
     * denominators never underflow; the gradient of λ stops there).
     */
    static final float MAX_LAMBDA_SQUARED = 20f;

    /** Largest map side done by matrix products. */
    static final int MATMUL_MAX_SIDE = 64;

    private final NDArray lambda;
    private final int radius;
    private final NDManager manager;
    private final Map<Long, NDArray> bands = new HashMap<>();
    private final Map<Long, NDArray> inverseDenominators = new HashMap<>();
    private final Map<Integer, NDArray[]> depthwiseKernels = new HashMap<>();
    private NDArray kernel1d;

    /**
     * Creates the filter.
     *
     * @param lambda λ, a scalar array (gradients flow to it)
     * @param radius r ≥ 1
     * @param manager owns the cached matrices
     */
    RbfFilter(NDArray lambda, int radius, NDManager manager) {
        this.lambda = lambda;
        this.radius = radius;
        this.manager = manager;
    }

    private NDArray band(long n) {
        return bands.computeIfAbsent(
                n,
                k -> {
                    int size = (int) n;
                    float[] d2 = new float[size * size];
                    float[] inside = new float[size * size];
                    for (int i = 0; i < size; i++) {
                        for (int j = 0; j < size; j++) {
                            int d = i - j;
                            d2[i * size + j] = d * d;
                            inside[i * size + j] = Math.abs(d) <= radius ? 1f : 0f;
                        }
                    }
                    NDArray dist = manager.create(d2, new Shape(n, n));
                    NDArray mask = manager.create(inside, new Shape(n, n));
                    NDArray w = dist.mul(lambdaSquared()).neg().exp();
                    // Drop weights below 1e-30 (they would be denormal floats, which slow matrix
                    // products
                    // by orders of magnitude and add nothing).
                    NDArray t = w.mul(mask.mul(w.gte(1e-30f).toType(w.getDataType(), false)));
                    t.attach(manager);
                    return t;
                });
    }

    /**
     * λ², capped at {@link #MAX_LAMBDA_SQUARED}.
     *
     * @return (1)
     */
    private NDArray lambdaSquared() {
        // λ may be the parameter itself (training): its first derived array moves to this
        // filter's manager so that nothing accumulates on the parameter's manager per call.
        NDArray l = lambda.reshape(1);
        l.attach(manager);
        return l.square().minimum(MAX_LAMBDA_SQUARED);
    }

    /** The 1-D factor exp(−λ² d²), d = −r … r, as a (1, 1, 1, 2r+1) kernel. */
    private NDArray kernel() {
        if (kernel1d == null) {
            float[] d2 = new float[2 * radius + 1];
            for (int i = 0; i < d2.length; i++) {
                int d = i - radius;
                d2[i] = d * d;
            }
            kernel1d =
                    manager.create(d2).mul(lambdaSquared()).neg().exp().reshape(1, 1, 1, d2.length);
            kernel1d.attach(manager);
        }
        return kernel1d;
    }

    /**
     * Σ_s W(p,s) f(s) over the full window including s = p.
     *
     * @param f (N, C, H, W)
     * @return (N, C, H, W)
     */
    NDArray windowSum(NDArray f) {
        Shape s = f.getShape();
        long h = s.get(2);
        long w = s.get(3);
        return h <= MATMUL_MAX_SIDE && w <= MATMUL_MAX_SIDE
                ? windowSumMatmul(f)
                : windowSumDepthwise(f);
    }

    /**
     * The window sum as T_H · f · T_W.
     *
     * @param f (N, C, H, W)
     * @return (N, C, H, W)
     */
    NDArray windowSumMatmul(NDArray f) {
        Shape s = f.getShape();
        // T is symmetric: rows are filtered by f·T_W, columns by T_H·(…). DJL attaches a result
        // to its left operand's manager, which for T_H is this (possibly long-lived, cached)
        // filter's: move it to the features' manager or every inference call would leak it.
        NDArray rows = f.matMul(band(s.get(3)));
        NDArray out = band(s.get(2)).matMul(rows);
        out.attach(f.getManager());
        // The intermediate goes back to the allocator at once (a training graph keeps its own
        // reference to what the backward pass needs).
        rows.close();
        return out;
    }

    /**
     * The window sum as two depthwise convolutions.
     *
     * @param f (N, C, H, W)
     * @return (N, C, H, W)
     */
    NDArray windowSumDepthwise(NDArray f) {
        Shape s = f.getShape();
        int c = (int) s.get(1);
        int taps = 2 * radius + 1;
        // Per channel count, once: broadcasting the cached kernel per call would attach a new
        // array to the filter's manager each time (see windowSumMatmul).
        NDArray[] hv =
                depthwiseKernels.computeIfAbsent(
                        c,
                        k -> {
                            NDArray horizontal = kernel().broadcast(new Shape(k, 1, 1, taps));
                            return new NDArray[] {horizontal, horizontal.reshape(k, 1, taps, 1)};
                        });
        NDArray kh = hv[0];
        NDArray kv = hv[1];
        NDArray x =
                Conv2d.conv2d(
                                f,
                                kh,
                                null,
                                new Shape(1, 1),
                                new Shape(0, radius),
                                new Shape(1, 1),
                                c)
                        .singletonOrThrow();
        NDArray out =
                Conv2d.conv2d(
                                x,
                                kv,
                                null,
                                new Shape(1, 1),
                                new Shape(radius, 0),
                                new Shape(1, 1),
                                c)
                        .singletonOrThrow();
        x.close();
        return out;
    }

    /**
     * 1 / (Σ_{s∈Ω(p)} W(p,s) + ε) (centre excluded, in-map neighbours only; ε keeps a neighbourless
     * 1×1 map finite).
     *
     * @param h height
     * @param w width
     * @return (1, 1, h, w)
     */
    NDArray inverseDenominator(long h, long w) {
        return inverseDenominators.computeIfAbsent(
                h << 32 | w,
                k -> {
                    NDArray ones = manager.ones(new Shape(1, 1, h, w), lambda.getDataType());
                    // A 1×1 map has no neighbours: its (zero) numerator stays 0 instead of 0/0.
                    NDArray d = windowSum(ones).sub(1f).add(DENOMINATOR_EPSILON).pow(-1f);
                    d.attach(manager);
                    return d;
                });
    }
}
