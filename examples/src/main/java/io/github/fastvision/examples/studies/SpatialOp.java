package io.github.fastvision.examples.studies;

import ai.djl.nn.Block;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.core.layers.Pool2d;

/**
 * The spatial operation of the single-bottleneck study (pflayer §3.3, Fig. 1 and appendix B Fig.
 * B.1). Convolutions keep their BN and ReLU; the pooling operations stand alone, as the paper's
 * efficient bottleneck has no BN/ReLU after the parameter-free op.
 */
public enum SpatialOp {
    /** Regular 3×3 convolution + BN + ReLU. */
    CONV3X3("conv3x3"),
    /** Depthwise 3×3 convolution + BN + ReLU. */
    DWCONV3X3("dwconv3x3"),
    /** 3×3 max-pool, stride 1. */
    MAX_POOL("max_pool3x3"),
    /** 3×3 average pool, stride 1. */
    AVG_POOL("avg_pool3x3");

    private final String label;

    SpatialOp(String label) {
        this.label = label;
    }

    /**
     * Returns the name used in results.
     *
     * @return the label
     */
    public String label() {
        return label;
    }

    /**
     * Creates the operation on {@code channels} channels.
     *
     * @param channels channels in and out
     * @return the block
     */
    public Block create(int channels) {
        switch (this) {
            case CONV3X3:
                return ConvBn.builder()
                        .setInChannels(channels)
                        .setOutChannels(channels)
                        .optKernel(3)
                        .optAct(Act.RELU)
                        .build();
            case DWCONV3X3:
                return ConvBn.builder()
                        .setInChannels(channels)
                        .setOutChannels(channels)
                        .optKernel(3)
                        .optGroups(channels)
                        .optAct(Act.RELU)
                        .build();
            case MAX_POOL:
                return Pool2d.builder()
                        .setMode(Pool2d.Mode.MAX)
                        .setKernel(3)
                        .optStride(1)
                        .optPadding(1)
                        .build();
            case AVG_POOL:
                return Pool2d.builder()
                        .setMode(Pool2d.Mode.AVG)
                        .setKernel(3)
                        .optStride(1)
                        .optPadding(1)
                        .build();
            default:
                throw new AssertionError(this);
        }
    }
}
