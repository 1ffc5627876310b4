package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.models.ModelBenchmark;
import java.util.List;

/** Zoo models (and weights files) against DJL's own ResNetV1-50 and MobileNetV2. */
final class ModelsSuite extends ZooModelSuite {

    ModelsSuite() {
        super(
                "models",
                "zoo models and weights files against DJL's ResNetV1-50 and MobileNetV2, on each"
                        + " engine",
                ModelBenchmark.class,
                List.of(
                        "fasternet_t0",
                        "fasternet_t1",
                        "rexnet_100",
                        "resnet50",
                        "convnext_tiny",
                        "djl_resnetv1_50",
                        "djl_mobilenetv2"));
    }
}
