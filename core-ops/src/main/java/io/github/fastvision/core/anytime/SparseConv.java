package io.github.fastvision.core.anytime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.core.layers.Checks;

/**
 * A convolution evaluated at the computed positions of a mask only: gather the k×k input patches of
 * the active output positions from a channels-last copy of the input, one matrix product with the
 * weights, scatter the results into a zero map. Work and memory traffic scale with the number of
 * active positions, so wall time falls with the FLOPs. Output equals the dense convolution at
 * active positions and is 0 elsewhere (groups = 1, dilation 1).
 */
public final class SparseConv {

    private SparseConv() {}

    /**
     * Runs the sparse convolution.
     *
     * @param x input (N, C, H, W)
     * @param weight (Cout, C, k, k)
     * @param bias (Cout) or null
     * @param stride the stride
     * @param padding the zero padding on each side
     * @param out the mask at the output resolution
     * @return (N, Cout, Ho, Wo), zero at skipped positions
     */
    public static NDArray conv2d(
            NDArray x,
            NDArray weight,
            NDArray bias,
            int stride,
            int padding,
            SpatialMask.Level out) {
        Shape xs = x.getShape();
        Shape ws = weight.getShape();
        long n = xs.get(0);
        long c = xs.get(1);
        long cout = ws.get(0);
        int k = (int) ws.get(2);
        if (ws.get(1) != c || ws.get(3) != k) {
            throw new IllegalArgumentException(
                    "sparse convolution expects a square (Cout, "
                            + c
                            + ", k, k) weight (groups = 1) but got "
                            + ws);
        }
        Shape outShape = Checks.windowShape(xs, cout, k, stride, padding);
        long ho = outShape.get(2);
        long wo = outShape.get(3);
        NDArray zeros = x.getManager().zeros(new Shape(n * ho * wo, cout), x.getDataType());
        long a = out.activeCount();
        if (a == 0) {
            return zeros.reshape(n, ho, wo, cout).transpose(0, 3, 1, 2);
        }
        NDArray padded = padding > 0 ? x.pad(new Shape(padding, padding, padding, padding), 0) : x;
        long hp = xs.get(2) + 2L * padding;
        long wp = xs.get(3) + 2L * padding;
        NDArray rows = padded.transpose(0, 2, 3, 1).reshape(n * hp * wp, c);
        NDArray patches;
        if (k == 1 && stride == 1 && padding == 0) {
            patches = rows.get(new NDIndex("{}", out.active()));
        } else {
            patches =
                    rows.get(new NDIndex("{}", out.gatherIndex(hp, wp, k, stride)))
                            .reshape(a, (long) k * k * c);
        }
        // The transposed weight belongs to this call, not to the parameter's manager.
        NDArray wt = weight.transpose(2, 3, 1, 0);
        wt.attach(x.getManager());
        NDArray w = wt.reshape((long) k * k * c, cout);
        NDArray values = patches.matMul(w);
        if (bias != null) {
            NDArray biased = values.add(bias);
            values.close();
            values = biased;
        }
        zeros.set(new NDIndex("{}", out.active()), values);
        // Inference only: release the temporaries now so the allocator reuses their memory hot.
        for (NDArray t : new NDArray[] {values, w, wt, patches, rows}) {
            t.close();
        }
        if (padded != x) {
            padded.close();
        }
        return zeros.reshape(n, ho, wo, cout).transpose(0, 3, 1, 2);
    }
}
