package io.github.fastvision.core.pflayer;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SampleLoops} on JDK 17's incubating Vector API: the input rows are loaded where they are,
 * so a bilinear sample costs no row copies, and the loop has no scalar pre-loop (C2's
 * auto-vectorised loops spent most of a 64-channel row in their scalar pre- and post-loops). The
 * products are summed in the scalar order, lane by lane, so the bits equal {@link
 * ArraySampleLoops}'s. Loaded only when the module is present ({@link SampleLoops#vector}).
 */
final class VectorSampleLoops implements SampleLoops {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    public void row(
            float[] in,
            int src,
            DeformablePoolKernel.Rows rows,
            int a,
            int len,
            float mod,
            boolean max) {
        float[] acc = rows.acc;
        int step = SPECIES.length();
        int k = 0;
        if (max) {
            for (; k <= len - step; k += step) {
                FloatVector v = FloatVector.fromArray(SPECIES, in, src + k).mul(mod);
                FloatVector.fromArray(SPECIES, acc, a + k).max(v).intoArray(acc, a + k);
            }
            for (; k < len; k++) {
                acc[a + k] = Math.max(acc[a + k], in[src + k] * mod);
            }
        } else {
            for (; k <= len - step; k += step) {
                FloatVector v = FloatVector.fromArray(SPECIES, in, src + k).mul(mod);
                FloatVector.fromArray(SPECIES, acc, a + k).add(v).intoArray(acc, a + k);
            }
            for (; k < len; k++) {
                acc[a + k] += in[src + k] * mod;
            }
        }
    }

    @Override
    public void corners(
            float[] in,
            DeformablePoolKernel.Rows rows,
            int a,
            int c,
            int i00,
            int i01,
            int i10,
            int i11,
            float w00,
            float w01,
            float w10,
            float w11,
            boolean max) {
        float[] acc = rows.acc;
        int step = SPECIES.length();
        int k = 0;
        for (; k <= c - step; k += step) {
            FloatVector v =
                    FloatVector.fromArray(SPECIES, in, i00 + k)
                            .mul(w00)
                            .add(FloatVector.fromArray(SPECIES, in, i01 + k).mul(w01))
                            .add(FloatVector.fromArray(SPECIES, in, i10 + k).mul(w10))
                            .add(FloatVector.fromArray(SPECIES, in, i11 + k).mul(w11));
            FloatVector o = FloatVector.fromArray(SPECIES, acc, a + k);
            (max ? o.max(v) : o.add(v)).intoArray(acc, a + k);
        }
        for (; k < c; k++) {
            float v = in[i00 + k] * w00 + in[i01 + k] * w01 + in[i10 + k] * w10 + in[i11 + k] * w11;
            acc[a + k] = max ? Math.max(acc[a + k], v) : acc[a + k] + v;
        }
    }
}
