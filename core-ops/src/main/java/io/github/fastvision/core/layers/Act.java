package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** Element-wise activations used by the blocks, as an enum so that modes are never strings. */
public enum Act {
    /** Identity. */
    NONE,
    /** max(x, 0). */
    RELU,
    /** min(max(x, 0), 6), as in MobileNetV2 and ReXNet. */
    RELU6,
    /** Exact (erf) GELU, as in ConvNeXt, ViT and FasterNet-T*. */
    GELU,
    /** x * sigmoid(x), as in ReXNet (called swish there). */
    SILU,
    /** x * relu6(x + 3) / 6, MobileNetV3's hard swish. */
    HARD_SWISH,
    /** 1 / (1 + exp(-x)). */
    SIGMOID,
    /** relu6(x + 3) / 6. */
    HARD_SIGMOID;

    /**
     * Applies the activation.
     *
     * @param x the input
     * @return the activated array (a new array)
     */
    public NDArray apply(NDArray x) {
        switch (this) {
            case NONE:
                return x;
            case RELU:
                return Activation.relu(x);
            case RELU6:
                return x.clip(0f, 6f);
            case GELU:
                return Activation.gelu(x);
            case SILU:
                return x.mul(Activation.sigmoid(x));
            case HARD_SWISH:
                return x.mul(x.add(3f).clip(0f, 6f)).div(6f);
            case SIGMOID:
                return Activation.sigmoid(x);
            case HARD_SIGMOID:
                return x.add(3f).clip(0f, 6f).div(6f);
            default:
                throw new AssertionError(this);
        }
    }
}
