package io.github.fastvision.models.rexnet;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.weights.NameMapping;
import io.github.fastvision.models.weights.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** ReXNet ×0.9 … ×3.0, ReXNet-plain and ReXNet-lite: one entry per {@link ReXNetVariant}. */
public final class ReXNetFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "ReXNet";
    }

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (ReXNetVariant v : ReXNetVariant.values()) {
            ReXNetVariant standIn =
                    v.design() == ReXNetVariant.Design.LITE
                            ? ReXNetVariant.TEST_LITE
                            : ReXNetVariant.TEST;
            list.add(
                    ModelInfo.builder()
                            .setName(v.zooName())
                            .setFamily(this)
                            .setClassifier(o -> ReXNet.create(v, o))
                            .optReference(v.reference())
                            .optNote(v.note())
                            .optStandIn(standIn.zooName())
                            .build());
        }
        return list;
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> aliases() {
        return Map.of("rexnet_1_0", "rexnet_100", "rexnetv1_1.0", "rexnet_100");
    }

    /** {@inheritDoc} */
    @Override
    public Optional<NameMapping> checkpointNames(ModelInfo model, Source source) {
        switch (variant(model).design()) {
            case V1:
                return source == Source.OFFICIAL
                        ? Optional.of(ReXNetCheckpoints.official())
                        : source == Source.TIMM
                                ? Optional.of(ReXNetCheckpoints.timm())
                                : Optional.empty();
            case LITE:
                return source == Source.OFFICIAL
                        ? Optional.of(ReXNetCheckpoints.liteOfficial())
                        : Optional.empty();
            default:
                // ReXNet-plain is the paper's ablation; no checkpoint was released.
                return Optional.empty();
        }
    }

    /** {@inheritDoc} */
    @Override
    public String checkpointSummary() {
        return "official/timm (lite: official)";
    }

    /** {@inheritDoc} */
    @Override
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(0.875f);
    }

    private static ReXNetVariant variant(ModelInfo model) {
        for (ReXNetVariant v : ReXNetVariant.values()) {
            if (v.zooName().equals(model.name())) {
                return v;
            }
        }
        throw new IllegalArgumentException(model.name() + " is not a ReXNet variant");
    }
}
