package io.github.fastvision.models.vit;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import java.util.ArrayList;
import java.util.List;

/** Registers ViT-S and PiT-S with their max-pool and dw-conv variants. */
public final class VitFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (VitVariant v : VitVariant.values()) {
            String family = v.kind() == VitVariant.Kind.VIT ? "ViT" : "PiT";
            list.add(new ModelInfo(v.zooName(), family, v.reference(), v.note(), o -> Vit.create(v, o)));
        }
        return list;
    }
}
