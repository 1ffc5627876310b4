package io.github.fastvision.models.convnext;

import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.weights.NameMapping;
import io.github.fastvision.models.weights.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** ConvNeXt T/S/B/L/XL and isotropic S/B/L: one entry per {@link ConvNeXtVariant}. */
public final class ConvNeXtFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "ConvNeXt";
    }

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (ConvNeXtVariant v : ConvNeXtVariant.values()) {
            ConvNeXtVariant standIn =
                    v.isIsotropic() ? ConvNeXtVariant.TEST_ISO : ConvNeXtVariant.TEST;
            list.add(
                    ModelInfo.builder()
                            .setName(v.zooName())
                            .setFamily(this)
                            .setClassifier(o -> ConvNeXt.create(v, o))
                            .optReference(v.reference())
                            .optStandIn(standIn.zooName())
                            .build());
        }
        return list;
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> aliases() {
        return Map.of(
                "convnext_t", "convnext_tiny",
                "convnext_s", "convnext_small",
                "convnext_b", "convnext_base",
                "convnext_l", "convnext_large",
                "convnext_xl", "convnext_xlarge");
    }

    /** {@inheritDoc} */
    @Override
    public Optional<NameMapping> checkpointNames(ModelInfo model, Source source) {
        if (variant(model).isIsotropic()) {
            return source == Source.OFFICIAL
                    ? Optional.of(ConvNeXtCheckpoints.isotropicOfficial())
                    : Optional.empty();
        }
        switch (source) {
            case OFFICIAL:
                return Optional.of(ConvNeXtCheckpoints.official());
            case TORCHVISION:
                return Optional.of(ConvNeXtCheckpoints.torchvision());
            default:
                return Optional.of(ConvNeXtCheckpoints.timm());
        }
    }

    /** {@inheritDoc} */
    @Override
    public String checkpointSummary() {
        return "official/timm/torchvision (isotropic: official)";
    }

    /** {@inheritDoc} */
    @Override
    public Optional<List<ChannelGroup>> channelGroups(Backbone model) {
        if (!(model instanceof VisionModel)) {
            return Optional.empty();
        }
        for (ConvNeXtVariant v : ConvNeXtVariant.values()) {
            if (v.zooName().equals(model.getName())) {
                return Optional.of(ConvNeXt.groups(v, (VisionModel) model));
            }
        }
        return Optional.empty();
    }

    /** {@inheritDoc} */
    @Override
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(0.875f);
    }

    private static ConvNeXtVariant variant(ModelInfo model) {
        for (ConvNeXtVariant v : ConvNeXtVariant.values()) {
            if (v.zooName().equals(model.name())) {
                return v;
            }
        }
        throw new IllegalArgumentException(model.name() + " is not a ConvNeXt variant");
    }
}
