package io.github.fastvision.models.testfamily;

import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.Preprocessing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test-only family, registered from {@code src/test/resources/META-INF/services}: everything it
 * contributes (variants, alias, preprocessing) lives in this package, and no file outside it names
 * it.
 */
public final class TinyNetFamily implements ModelFamily {

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "TinyNet";
    }

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (TinyNet.Variant v : TinyNet.Variant.values()) {
            list.add(
                    ModelInfo.builder()
                            .setName(v.zooName())
                            .setFamily(this)
                            .setClassifier(o -> TinyNet.create(v, o))
                            .optStandIn(v.zooName())
                            .build());
        }
        return list;
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> aliases() {
        return Map.of("test_tiny", "test_tinynet");
    }

    /** {@inheritDoc} */
    @Override
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(1f);
    }
}
