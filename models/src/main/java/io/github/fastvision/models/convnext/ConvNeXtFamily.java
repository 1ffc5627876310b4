package io.github.fastvision.models.convnext;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import java.util.ArrayList;
import java.util.List;

/** Registers ConvNeXt T/S/B/L/XL and isotropic S/B/L. */
public final class ConvNeXtFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (ConvNeXtVariant v : ConvNeXtVariant.values()) {
            list.add(new ModelInfo(v.zooName(), "ConvNeXt", v.reference(), "", o -> ConvNeXt.create(v, o)));
        }
        return list;
    }
}
