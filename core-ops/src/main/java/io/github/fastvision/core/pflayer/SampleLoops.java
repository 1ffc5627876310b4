package io.github.fastvision.core.pflayer;

/**
 * The inner loops of {@link DeformablePoolKernel}: accumulate one sample, C contiguous channels
 * read from the channels-last input, into the output row (max or sum). Two implementations give the
 * same bits: {@link ArraySampleLoops}, plain Java that C2 auto-vectorises after copying the input
 * rows beside the accumulator, and {@code VectorSampleLoops}, which loads the input rows where they
 * are through JDK 17's incubating Vector API and is used when the JVM runs with {@code
 * --add-modules jdk.incubator.vector}.
 */
interface SampleLoops {

    /**
     * One integral sample, or a run of them over consecutive input rows: {@code acc[a + k]} takes
     * the max of (or adds) {@code in[src + k] · mod} for k in [0, len).
     *
     * @param in the input, channels-last
     * @param src first input float
     * @param rows the output row and the scratch beside it
     * @param a first output float
     * @param len floats
     * @param mod modulation (1 when unmodulated)
     * @param max max, or else sum
     */
    void row(
            float[] in,
            int src,
            DeformablePoolKernel.Rows rows,
            int a,
            int len,
            float mod,
            boolean max);

    /**
     * One bilinear sample: {@code acc[a + k]} takes the max of (or adds) {@code in[i00 + k]·w00 +
     * in[i01 + k]·w01 + in[i10 + k]·w10 + in[i11 + k]·w11}, summed in that order, for k in [0, c).
     *
     * @param in the input, channels-last
     * @param rows the output row and the scratch beside it
     * @param a first output float
     * @param c channels
     * @param i00 first float of the top-left corner
     * @param i01 top-right corner
     * @param i10 bottom-left corner
     * @param i11 bottom-right corner
     * @param w00 top-left weight
     * @param w01 top-right weight
     * @param w10 bottom-left weight
     * @param w11 bottom-right weight
     * @param max max, or else sum
     */
    void corners(
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
            boolean max);

    /**
     * Returns the Vector API loops when the JVM has the module ({@code --add-modules
     * jdk.incubator.vector}) and {@link DeformablePoolKernel#VECTOR_PROPERTY} is not {@code false},
     * else the plain-Java ones.
     *
     * @return the loops the kernel uses
     */
    static SampleLoops fastest() {
        if (!Boolean.parseBoolean(
                System.getProperty(DeformablePoolKernel.VECTOR_PROPERTY, "true"))) {
            return new ArraySampleLoops();
        }
        SampleLoops vector = vector();
        return vector != null ? vector : new ArraySampleLoops();
    }

    /**
     * Returns the Vector API loops, or null when the JVM lacks the module.
     *
     * @return the loops, or null
     */
    static SampleLoops vector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            // By name: the class links against the module, so it is loaded only when it exists.
            return (SampleLoops)
                    Class.forName(SampleLoops.class.getPackageName() + ".VectorSampleLoops")
                            .getDeclaredConstructor()
                            .newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
