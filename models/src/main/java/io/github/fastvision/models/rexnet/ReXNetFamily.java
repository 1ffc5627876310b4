package io.github.fastvision.models.rexnet;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import java.util.ArrayList;
import java.util.List;

/** Registers ReXNet ×0.9 … ×3.0, ReXNet-plain and ReXNet-lite. */
public final class ReXNetFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (ReXNetVariant v : ReXNetVariant.values()) {
            list.add(new ModelInfo(v.zooName(), "ReXNet", v.reference(), v.note(), o -> ReXNet.create(v, o)));
        }
        return list;
    }
}
