package io.github.fastvision.models.fasternet;

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
import java.util.Optional;

/** FasterNet-T0 … L (fasternet Table 8): one entry per {@link FasterNetVariant}. */
public final class FasterNetFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "FasterNet";
    }

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (FasterNetVariant v : FasterNetVariant.values()) {
            list.add(
                    ModelInfo.builder()
                            .setName(v.zooName())
                            .setFamily(this)
                            .setClassifier(o -> FasterNet.create(v, o))
                            .optReference(v.reference())
                            .optStandIn(FasterNetVariant.TEST.zooName())
                            .build());
        }
        return list;
    }

    /** {@inheritDoc} */
    @Override
    public Optional<NameMapping> checkpointNames(ModelInfo model, Source source) {
        return switch (source) {
            case OFFICIAL -> Optional.of(FasterNetCheckpoints.official());
            case TIMM -> Optional.of(FasterNetCheckpoints.timm());
            default -> Optional.empty();
        };
    }

    /** {@inheritDoc} */
    @Override
    public String checkpointSummary() {
        return "official/timm";
    }

    /** {@inheritDoc} */
    @Override
    public Optional<List<ChannelGroup>> channelGroups(Backbone model) {
        if (!(model instanceof VisionModel)) {
            return Optional.empty();
        }
        for (FasterNetVariant v : FasterNetVariant.values()) {
            if (v.zooName().equals(model.getName())) {
                return Optional.of(FasterNet.groups(v, (VisionModel) model));
            }
        }
        return Optional.empty();
    }

    /** {@inheritDoc} */
    @Override
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(0.875f);
    }
}
