package io.github.fastvision.models.resnet;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import java.util.ArrayList;
import java.util.List;

/** Registers the ResNet baselines and pflayer's parameter-free ResNets. */
public final class ResNetFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (ResNetVariant v : ResNetVariant.values()) {
            list.add(new ModelInfo(v.zooName(), v.family(), v.reference(), v.note(), o -> ResNet.create(v, o)));
        }
        return list;
    }
}
