package io.github.fastvision.models.vit;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.weights.NameMapping;
import io.github.fastvision.models.weights.Source;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ViT-S with its max-pool and dw-conv variants: the {@link VitVariant}s of kind {@link
 * VitVariant.Kind#VIT}. PiT shares the code and is its own family ({@link PitFamily}).
 */
public final class VitFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "ViT";
    }

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        return entries(this, VitVariant.Kind.VIT);
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> aliases() {
        return Map.of("vit_small_patch16_224", "vit_small");
    }

    /** {@inheritDoc} */
    @Override
    public Optional<NameMapping> checkpointNames(ModelInfo model, Source source) {
        return source != Source.TORCHVISION ? Optional.of(VitCheckpoints.timm()) : Optional.empty();
    }

    /** {@inheritDoc} */
    @Override
    public String checkpointSummary() {
        return "timm/official";
    }

    /** {@inheritDoc} */
    @Override
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(0.9f);
    }

    /** The entries of one kind; "vit_small_maxpool" runs the contract as "test_vit_maxpool". */
    static List<ModelInfo> entries(ModelFamily family, VitVariant.Kind kind) {
        List<ModelInfo> list = new ArrayList<>();
        for (VitVariant v : VitVariant.values()) {
            if (v.kind() == kind) {
                String standIn =
                        v.zooName().startsWith("test_")
                                ? v.zooName()
                                : "test_" + v.zooName().replace("_small", "");
                list.add(
                        ModelInfo.builder()
                                .setName(v.zooName())
                                .setFamily(family)
                                .setClassifier(o -> Vit.create(v, o))
                                .optReference(v.reference())
                                .optNote(v.note())
                                .optStandIn(standIn)
                                .build());
            }
        }
        return list;
    }
}
