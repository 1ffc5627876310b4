package io.github.fastvision.core.anytime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.fastvision.core.layers.Checks;
import io.github.fastvision.core.runtime.KernelThreads;
import io.github.fastvision.core.runtime.NativeFloats;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A convolution evaluated at the computed positions of a mask only: gather the k×k input patches of
 * the active output positions from a channels-last copy of the input, one matrix product with the
 * weights, scatter the results into a zero map. Work and memory traffic scale with the number of
 * active positions, so wall time falls with the FLOPs. Output equals the dense convolution at
 * active positions and is 0 elsewhere (groups = 1, dilation 1).
 *
 * <p>Two executions with equal results. {@link #conv2d} gathers the patches in Java straight from
 * the input's native memory into the matrix product's operand (one copy per computed position and
 * tap, zeros for padding, no padded copy of the input and no int64 index tensor) and scatters the
 * product's rows into the output the same way, split over the PyTorch engine's threads; the matrix
 * product stays libtorch's. {@link #conv2dLibtorch} does the same with libtorch operators (pad,
 * transpose, index gather, index put), about 8× oneDNN's dense cost per position; it remains for
 * non-float32 tensors and as the benchmarks' baseline.
 */
public final class SparseConv {

    private static final NativeFloats.Scratch INPUT = new NativeFloats.Scratch();
    private static final NativeFloats.Scratch PATCHES = new NativeFloats.Scratch();
    private static final NativeFloats.Scratch VALUES = new NativeFloats.Scratch();

    /** Computed positions per gather chunk: bounds the per-thread scratch (and keeps it cached). */
    private static final int CHUNK = 256;

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
        if (x.getDataType() != DataType.FLOAT32
                || weight.getDataType() != DataType.FLOAT32
                || !Device.Type.CPU.equals(x.getDevice().getDeviceType())
                || x.size() >= Integer.MAX_VALUE) {
            return conv2dLibtorch(x, weight, bias, stride, padding, out);
        }
        Shape xs = x.getShape();
        Shape ws = weight.getShape();
        int n = (int) xs.get(0);
        int c = (int) xs.get(1);
        int h = (int) xs.get(2);
        int w = (int) xs.get(3);
        int cout = (int) ws.get(0);
        int k = (int) ws.get(2);
        checkWeight(ws, c, k);
        Shape outShape = Checks.windowShape(xs, cout, k, stride, padding);
        int ho = (int) outShape.get(2);
        int wo = (int) outShape.get(3);
        checkLevel(out, ho, wo);
        NDArray result = x.getManager().zeros(new Shape(n, ho, wo, cout), DataType.FLOAT32);
        int[] active = out.activePositions();
        int a = active.length;
        if (a == 0) {
            return result.transpose(0, 3, 1, 2);
        }
        // Channels-last rows of the input (a view when x already is channels-last).
        NDArray rows = x.transpose(0, 2, 3, 1).reshape(n, (long) h * w, c);
        float[] in = NativeFloats.read(rows, INPUT.get(n * h * w * c));
        rows.close();
        int kkc = k * k * c;
        NDArray patches = NativeFloats.create(x, new Shape(a, kkc));
        FloatBuffer patchView = NativeFloats.view(patches);
        int chunks = (a + CHUNK - 1) / CHUNK;
        KernelThreads.forRange(
                chunks,
                (begin, end) -> {
                    float[] buf = PATCHES.get(CHUNK * kkc);
                    for (int ch = begin; ch < end; ch++) {
                        int first = ch * CHUNK;
                        int count = Math.min(CHUNK, a - first);
                        for (int i = 0; i < count; i++) {
                            int p = active[first + i];
                            int img = p / (ho * wo);
                            int rem = p - img * ho * wo;
                            int oy = rem / wo;
                            int ox = rem - oy * wo;
                            int dst = i * kkc;
                            for (int ky = 0; ky < k; ky++) {
                                int iy = oy * stride - padding + ky;
                                for (int kx = 0; kx < k; kx++) {
                                    int ix = ox * stride - padding + kx;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        Arrays.fill(buf, dst, dst + c, 0f);
                                    } else {
                                        System.arraycopy(
                                                in, ((img * h + iy) * w + ix) * c, buf, dst, c);
                                    }
                                    dst += c;
                                }
                            }
                        }
                        patchView.put(first * kkc, buf, 0, count * kkc);
                    }
                    return 0;
                });
        // The transposed weight belongs to this call, not to the parameter's manager.
        NDArray wt = weight.transpose(2, 3, 1, 0);
        wt.attach(x.getManager());
        NDArray wm = wt.reshape(kkc, cout);
        NDArray values = patches.matMul(wm);
        if (bias != null) {
            NDArray biased = values.add(bias);
            values.close();
            values = biased;
        }
        float[] v = NativeFloats.read(values, VALUES.get(a * cout));
        FloatBuffer resultView = NativeFloats.view(result);
        KernelThreads.forRange(
                chunks,
                (begin, end) -> {
                    for (int i = begin * CHUNK; i < Math.min(a, end * CHUNK); i++) {
                        resultView.put(active[i] * cout, v, i * cout, cout);
                    }
                    return 0;
                });
        // Inference only: release the temporaries now so the allocator reuses their memory hot.
        for (NDArray t : new NDArray[] {values, wm, wt, patches}) {
            t.close();
        }
        return result.transpose(0, 3, 1, 2);
    }

    private static void checkWeight(Shape ws, long c, int k) {
        if (ws.get(1) != c || ws.get(3) != k) {
            throw new IllegalArgumentException(
                    "sparse convolution expects a square (Cout, "
                            + c
                            + ", k, k) weight (groups = 1) but got "
                            + ws);
        }
    }

    private static void checkLevel(SpatialMask.Level level, long ho, long wo) {
        if (level.height() != ho || level.width() != wo) {
            throw new IllegalArgumentException(
                    "sparse convolution output is "
                            + ho
                            + "x"
                            + wo
                            + " but the mask level is "
                            + level.height()
                            + "x"
                            + level.width());
        }
    }

    /**
     * Runs the sparse convolution with libtorch operators (pad, channels-last copy, int64 index
     * gather, matrix product, index put); equal results to {@link #conv2d}.
     *
     * @param x input (N, C, H, W)
     * @param weight (Cout, C, k, k)
     * @param bias (Cout) or null
     * @param stride the stride
     * @param padding the zero padding on each side
     * @param out the mask at the output resolution
     * @return (N, Cout, Ho, Wo), zero at skipped positions
     */
    public static NDArray conv2dLibtorch(
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
        checkWeight(ws, c, k);
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
