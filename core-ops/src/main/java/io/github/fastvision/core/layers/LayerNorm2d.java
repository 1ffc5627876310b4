package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Layer normalization over the channel axis of an NCHW map (ConvNeXt's "channels_first" LayerNorm,
 * thesis §4.3). DJL's {@code LayerNorm} normalizes the last axis, which on NCHW input is the width:
 * a silent wrong result when C == W. Parameters are {@code weight} and {@code bias}, as in the
 * official code.
 */
public class LayerNorm2d extends LastAxisLayerNorm {

    /**
     * Creates a channels-first layer norm.
     *
     * @param channels the number of channels
     * @param epsilon the variance epsilon (ConvNeXt uses 1e-6)
     */
    public LayerNorm2d(int channels, float epsilon) {
        super(channels, epsilon);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Checks.nchw("LayerNorm2d", x, getChannels());
        NDArray y = normalizeLastAxis(ps, x.transpose(0, 2, 3, 1), training);
        return new NDList(y.transpose(0, 3, 1, 2));
    }
}
