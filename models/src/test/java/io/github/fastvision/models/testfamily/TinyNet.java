package io.github.fastvision.models.testfamily;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import io.github.fastvision.core.layers.Act;
import io.github.fastvision.core.layers.ConvBn;
import io.github.fastvision.models.ClassifierHead;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.StageInfo;
import io.github.fastvision.models.VisionModel;
import java.util.List;

/**
 * A two-stage conv net built only from core-ops blocks: a 3×3/2 conv-BN-ReLU stem, a stage of one
 * 3×3 conv-BN-ReLU at stride 2, one at stride 4 with twice the width, and a linear head. It exists
 * to show that a family added in its own package, and registered only in a services file, is picked
 * up by the registry and the contract tests.
 */
final class TinyNet {

    private TinyNet() {}

    /**
     * The family's variants; test variants only, so the zoo table and paper checks never see it.
     */
    enum Variant {
        /** Widths 8 and 16. */
        TEST_TINYNET("test_tinynet", 8);

        private final String zooName;
        private final int width;

        Variant(String zooName, int width) {
            this.zooName = zooName;
            this.width = width;
        }

        String zooName() {
            return zooName;
        }
    }

    static VisionModel create(Variant variant, ModelOptions options) {
        options.requireFamilyStem(variant.zooName());
        int w = variant.width;
        Block stem = conv(options.inChannels(), w, 2);
        Block stage0 = new SequentialBlock().add(conv(w, w, 1));
        Block stage1 = new SequentialBlock().add(conv(w, 2 * w, 2));
        return VisionModel.builder()
                .setName(variant.zooName())
                .setOptions(options)
                .setStem(stem)
                .setStages(
                        List.of(stage0, stage1),
                        List.of(new StageInfo(0, w, 2), new StageInfo(1, 2 * w, 4)))
                .setHead(ClassifierHead.linear(2 * w, options.numClasses()))
                .build();
    }

    private static ConvBn conv(int in, int out, int stride) {
        return ConvBn.builder()
                .setInChannels(in)
                .setOutChannels(out)
                .optKernel(3)
                .optStride(stride)
                .optAct(Act.RELU)
                .build();
    }
}
