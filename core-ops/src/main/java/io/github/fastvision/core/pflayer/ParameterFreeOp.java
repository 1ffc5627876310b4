package io.github.fastvision.core.pflayer;

import ai.djl.nn.Block;
import io.github.fastvision.core.layers.Pool2d;

/** The spatial operations an {@link EfficientBottleneck} can use (pflayer §3.2, §5.1, B). */
public enum ParameterFreeOp {
    /** 3×3 max-pool, the paper's default eff-layer. */
    MAX_POOL,
    /** 3×3 average pool (count_include_pad), weaker per appendix B. */
    AVG_POOL,
    /** Deformable 3×3 max-pool with a zero-initialized, modulated offset predictor (§5.1). */
    DEFORM_MAX,
    /** Deformable 3×3 average pool, modulated (appendix B, Table B.1). */
    DEFORM_AVG;

    /**
     * Creates the 3×3 operation.
     *
     * @param channels the channels it runs on
     * @param stride 1 or 2
     * @return a new block
     */
    public Block create(int channels, int stride) {
        switch (this) {
            case MAX_POOL:
                return Pool2d.builder()
                        .setMode(Pool2d.Mode.MAX)
                        .setKernel(3)
                        .optStride(stride)
                        .optPadding(1)
                        .build();
            case AVG_POOL:
                return Pool2d.builder()
                        .setMode(Pool2d.Mode.AVG)
                        .setKernel(3)
                        .optStride(stride)
                        .optPadding(1)
                        .build();
            case DEFORM_MAX:
            case DEFORM_AVG:
                return DeformablePool2d.builder()
                        .setChannels(channels)
                        .optStride(stride)
                        .optMode(this == DEFORM_MAX ? Pool2d.Mode.MAX : Pool2d.Mode.AVG)
                        .optModulation(true)
                        .build();
            default:
                throw new AssertionError(this);
        }
    }
}
