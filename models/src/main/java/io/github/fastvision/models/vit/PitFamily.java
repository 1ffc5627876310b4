package io.github.fastvision.models.vit;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.Preprocessing;
import java.util.List;
import java.util.Map;

/**
 * PiT-S and its max-pool variant: the {@link VitVariant}s of kind {@link VitVariant.Kind#PIT}. No
 * name table: no PiT checkpoint in the authors' naming has been checked against this code.
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
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(0.9f);
    }
}
