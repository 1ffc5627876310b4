package io.github.fastvision.models.fasternet;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import java.util.ArrayList;
import java.util.List;

/** Registers FasterNet-T0 … L. */
public final class FasterNetFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (FasterNetVariant v : FasterNetVariant.values()) {
            list.add(new ModelInfo(v.zooName(), "FasterNet", v.reference(), "", o -> FasterNet.create(v, o)));
        }
        return list;
    }
}
