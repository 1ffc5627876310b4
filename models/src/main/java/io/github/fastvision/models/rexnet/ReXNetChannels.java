package io.github.fastvision.models.rexnet;

/**
 * ReXNet's linear channel parameterization (rexnet §4.4): block widths grow by a constant step with
 * the block index. Reproduces the official rounding exactly (Python's round-half-even).
 *
 * @param stem stem width
 * @param in input width of each of the 16 blocks
 * @param out output width of each block
 * @param penultimate width of the 1×1 conv before pooling
 */
public record ReXNetChannels(int stem, int[] in, int[] out, int penultimate) {

    /** Blocks per stage: 1, 2, 2, 3, 3, 5 (the MobileNetV2 depth). */
    static final int[] LAYERS = {1, 2, 2, 3, 3, 5};

    /** Stride of each stage's first block. */
    static final int[] STRIDES = {1, 2, 2, 2, 1, 2};

    /** Number of blocks. */
    static final int BLOCKS = 16;

    private static int pyRound(double v) {
        return (int) Math.rint(v);
    }

    /**
     * ReXNet v1 widths (rexnetv1.py: input 16, final 180, step 180/16 per block).
     *
     * @param w width multiplier
     * @return the widths
     */
    public static ReXNetChannels v1(double w) {
        double stem = w < 1 ? 32 / w : 32;
        double inplanes = w < 1 ? 16 / w : 16;
        int[] in = new int[BLOCKS];
        int[] out = new int[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            if (i == 0) {
                in[i] = pyRound(stem * w);
                out[i] = pyRound(inplanes * w);
            } else {
                in[i] = pyRound(inplanes * w);
                inplanes += 180.0 / BLOCKS;
                out[i] = pyRound(inplanes * w);
            }
        }
        return new ReXNetChannels(pyRound(stem * w), in, out, (int) (1280 * w));
    }

    private static int makeDivisible(double v, int divisor) {
        int rounded = Math.max(divisor, (int) (v + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * v ? rounded + divisor : rounded;
    }

    /**
     * ReXNet-lite widths (rexnetv1_lite.py: input 16, final 164, step 164/15, divisible by 8).
     *
     * @param m width multiplier
     * @return the widths
     */
    public static ReXNetChannels lite(double m) {
        double inplanes = m < 1 ? 16 / m : 16;
        double first = m < 1 ? 32 / m : 32;
        int stem = makeDivisible(pyRound(first * m), 8);
        int[] in = new int[BLOCKS];
        int[] out = new int[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            int divisible = makeDivisible(pyRound(inplanes * m), 8);
            if (i == 0) {
                in[i] = stem;
                out[i] = divisible;
            } else {
                in[i] = divisible;
                inplanes += 164.0 / (BLOCKS - 1);
                out[i] = makeDivisible(pyRound(inplanes * m), 8);
            }
        }
        return new ReXNetChannels(stem, in, out, m > 1 ? (int) (1280 * m) : 1280);
    }

    /**
     * Stride of each block: the stage stride for its first block, 1 otherwise.
     *
     * @return 16 strides
     */
    static int[] blockStrides() {
        int[] strides = new int[BLOCKS];
        int b = 0;
        for (int s = 0; s < LAYERS.length; s++) {
            for (int j = 0; j < LAYERS[s]; j++) {
                strides[b++] = j == 0 ? STRIDES[s] : 1;
            }
        }
        return strides;
    }
}
