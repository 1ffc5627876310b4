package io.github.fastvision.models.hrnet;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.Preprocessing;
import java.util.ArrayList;
import java.util.List;

/**
 * hrnet_w18_seg and hrnet_w48_seg (and the tiny test_hrnet_seg), segmentation models. The thesis
 * prints HRNet-W48's cost at Cityscapes resolution (696.2 GFLOPs at 1024×2048, Table 2.1), not at
 * 224×224, so the zoo has no 224 reference to compare with; {@code HRNetSegTest} checks the
 * 1024×2048 number.
 */
public final class HRNetFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "HRNet";
    }

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (HRNetVariant v : HRNetVariant.values()) {
            list.add(
                    ModelInfo.builder()
                            .setName(v.zooName())
                            .setFamily(this)
                            .setSegmentation(o -> HRNetSeg.create(v, o, false))
                            .optNote(
                                    "segmentation: output (N, K, H/4, W/4); base of the ADP-C anytime models")
                            .optStandIn(HRNetVariant.TEST.zooName())
                            .build());
        }
        return list;
    }

    /** {@inheritDoc} */
    @Override
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(0.875f);
    }
}
