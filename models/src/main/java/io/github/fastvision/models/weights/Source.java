package io.github.fastvision.models.weights;

import java.util.Locale;

/** Where a checkpoint's parameter names come from. */
public enum Source {
    /** The authors' repository (FasterNet, ReXNet, ConvNeXt, PfLayer). */
    OFFICIAL,
    /** pytorch-image-models. */
    TIMM,
    /** torchvision (ResNet, Wide-ResNet, ConvNeXt). */
    TORCHVISION;

    /**
     * Parses a command-line value.
     *
     * @param s "official", "timm" or "torchvision"
     * @return the source
     */
    public static Source parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--source must be official, timm or torchvision but was '" + s + "'", e);
        }
    }
}
