package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.models.PfLayerBenchmark;
import java.util.List;

/** pflayer Tables 2–4 and 6: ResNet-50 and ViT-S with the paper's pooling layers. */
final class PfLayerSuite extends ZooModelSuite {

    PfLayerSuite() {
        super(
                "pflayer",
                "pflayer Tables 2-4 and 6: ResNet-50 and ViT-S with max, hybrid and deformable"
                        + " pooling",
                PfLayerBenchmark.class,
                List.of(
                        "resnet50",
                        "resnet50_hybrid",
                        "resnet50_max",
                        "resnet50_deform_max",
                        "vit_small",
                        "vit_small_maxpool",
                        "vit_small_dwconv"));
    }
}
