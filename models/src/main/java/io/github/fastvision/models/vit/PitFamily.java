package io.github.fastvision.models.vit;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.weights.NameMapping;
import io.github.fastvision.models.weights.Source;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PiT-S and its max-pool variant: the {@link VitVariant}s of kind {@link VitVariant.Kind#PIT}.
 * Checkpoints in the PiT authors' and PfLayer's naming (official) and in timm's ({@link
 * PitCheckpoints}).
 */
public final class PitFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "PiT";
    }

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        return VitFamily.entries(this, VitVariant.Kind.PIT);
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> aliases() {
        return Map.of("pit_s", "pit_small");
    }

    /** {@inheritDoc} */
    @Override
    public Optional<NameMapping> checkpointNames(ModelInfo model, Source source) {
        return switch (source) {
            case OFFICIAL -> Optional.of(PitCheckpoints.official());
            case TIMM -> Optional.of(PitCheckpoints.timm());
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
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(0.9f);
    }
}
