package io.github.fastvision.models.resnet;

import io.github.fastvision.core.pflayer.ParameterFreeOp;
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

/**
 * The ResNet baselines (torchvision's ResNet v1.5, Wide-ResNet, SE-ResNet): the {@link
 * ResNetVariant}s of origin {@link ResNetVariant.Origin#TORCHVISION}. Their checkpoints use
 * torchvision's names, which timm shares. Their architecture is a width table (each bottleneck's
 * two inner widths, {@link ResNetVariant#defaultWidths()}), so the structured pruning methods of
 * {@code fastvision-pruning} apply to them ({@link #channelGroups}).
 */
public final class ResNetFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "ResNet";
    }

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        return entries(this, ResNetVariant.Origin.TORCHVISION);
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> aliases() {
        return Map.of(
                "wrn50_2",
                "wide_resnet50_2",
                "wrn101_2",
                "wide_resnet101_2",
                "seresnet50",
                "resnet50_se");
    }

    /** {@inheritDoc} */
    @Override
    public Source defaultSource() {
        return Source.TORCHVISION;
    }

    /** {@inheritDoc} */
    @Override
    public Optional<NameMapping> checkpointNames(ModelInfo model, Source source) {
        return source != Source.OFFICIAL
                ? Optional.of(ResNetCheckpoints.torchvision())
                : Optional.empty();
    }

    /** {@inheritDoc} */
    @Override
    public String checkpointSummary() {
        return "timm/torchvision";
    }

    /** {@inheritDoc} */
    @Override
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(0.875f);
    }

    /** {@inheritDoc} */
    @Override
    public Optional<List<ChannelGroup>> channelGroups(Backbone model) {
        return groups(model);
    }

    /** The width table of any ResNet variant, the parameter-free ones included. */
    static Optional<List<ChannelGroup>> groups(Backbone model) {
        if (!(model instanceof VisionModel)) {
            return Optional.empty();
        }
        for (ResNetVariant v : ResNetVariant.values()) {
            if (v.zooName().equals(model.getName())) {
                return Optional.of(ResNet.groups(v, (VisionModel) model));
            }
        }
        return Optional.empty();
    }

    /** The entries of one origin, each with the tiny variant that shares its bottleneck layout. */
    static List<ModelInfo> entries(ModelFamily family, ResNetVariant.Origin origin) {
        List<ModelInfo> list = new ArrayList<>();
        for (ResNetVariant v : ResNetVariant.values()) {
            if (v.origin() == origin) {
                list.add(
                        ModelInfo.builder()
                                .setName(v.zooName())
                                .setFamily(family)
                                .setClassifier(o -> ResNet.create(v, o))
                                .optReference(v.reference())
                                .optNote(v.note())
                                .optStandIn(standIn(v).zooName())
                                .build());
            }
        }
        return list;
    }

    private static ResNetVariant standIn(ResNetVariant v) {
        boolean deformable =
                v.op() == ParameterFreeOp.DEFORM_MAX || v.op() == ParameterFreeOp.DEFORM_AVG;
        switch (v.pattern()) {
            case REGULAR:
                return ResNetVariant.TEST_RESNET;
            case HYBRID:
                return deformable || v.seReduction() > 0
                        ? ResNetVariant.TEST_RESNET_DEFORM
                        : ResNetVariant.TEST_RESNET_HYBRID;
            default:
                return ResNetVariant.TEST_RESNET_EB;
        }
    }
}
