package io.github.fastvision.models.resnet;

import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.weights.NameMapping;
import io.github.fastvision.models.weights.Source;
import java.util.List;
import java.util.Optional;

/**
 * pflayer's parameter-free ResNets ("pf-ResNet" in the zoo table): the {@link ResNetVariant}s of
 * origin {@link ResNetVariant.Origin#PFLAYER}. They share the ResNet code with {@link ResNetFamily}
 * but are a family of their own because their checkpoints follow the authors' resnet_pf.py naming.
 * Their width table ({@link ResNetVariant#defaultWidths()}: two inner widths per regular
 * bottleneck, one per efficient bottleneck) makes them prunable like the baselines.
 */
public final class ParameterFreeResNetFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "pf-ResNet";
    }

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        return ResNetFamily.entries(this, ResNetVariant.Origin.PFLAYER);
    }

    /** {@inheritDoc} */
    @Override
    public Optional<NameMapping> checkpointNames(ModelInfo model, Source source) {
        return source == Source.OFFICIAL
                ? Optional.of(ResNetCheckpoints.parameterFreeOfficial())
                : Optional.empty();
    }

    /** {@inheritDoc} */
    @Override
    public String checkpointSummary() {
        return "official";
    }

    /** {@inheritDoc} */
    @Override
    public Optional<List<ChannelGroup>> channelGroups(Backbone model) {
        return ResNetFamily.groups(model);
    }

    /** {@inheritDoc} */
    @Override
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(0.875f);
    }
}
