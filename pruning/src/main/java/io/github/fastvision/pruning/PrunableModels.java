package io.github.fastvision.pruning;

import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import java.util.List;

/** Looks up a model's channel groups through its family, with one message when there are none. */
public final class PrunableModels {

    private PrunableModels() {}

    /**
     * Returns a model's channel groups in width-table order.
     *
     * @param model a zoo model
     * @param method the method asking, for the message
     * @return the groups
     * @throws IllegalArgumentException when the model's family has no width table
     */
    public static List<ChannelGroup> groups(Backbone model, String method) {
        ModelInfo info = ModelRegistry.info(model.getName());
        return info.family()
                .channelGroups(model)
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        method
                                                + " does not apply to "
                                                + model.getName()
                                                + " (family "
                                                + info.family().displayName()
                                                + "): expected a model whose family describes its"
                                                + " channel widths, e.g. "
                                                + String.join(", ", prunableExamples())));
    }

    /**
     * Returns the widths of a model's groups.
     *
     * @param groups the groups
     * @return one width per group
     */
    public static int[] widths(List<ChannelGroup> groups) {
        int[] w = new int[groups.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = groups.get(i).width();
        }
        return w;
    }

    private static List<String> prunableExamples() {
        return List.of(
                "vgg16_bn_cifar",
                "resnet56_cifar",
                "preresnet164_cifar",
                "resnet50",
                "fasternet_t0",
                "convnext_tiny");
    }
}
