package io.github.fastvision.pruning;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.ParameterNames;
import io.github.fastvision.models.VisionModel;
import java.util.List;
import java.util.Random;

/**
 * Tiny CIFAR models and tiny zoo models (ResNet, FasterNet, ConvNeXt) with random BN statistics and
 * norm/scale vectors, so that eval-mode outputs depend on every one.
 */
final class TinyModels {

    static final List<String> NAMES =
            List.of(
                    "test_vgg_cifar",
                    "test_resnet_cifar",
                    "test_preresnet_cifar",
                    "test_preresnet_bottleneck_cifar");

    static final ModelOptions OPTIONS =
            ModelOptions.builder().setNumClasses(3).optInputSize(16).optInChannels(3).build();

    /**
     * The zoo families with a width table besides the CIFAR nets, through their tiny variants: the
     * ResNet baselines, the parameter-free ResNets (hybrid, deformable with SE, alternating),
     * FasterNet and ConvNeXt (hierarchical and isotropic).
     */
    static final List<String> ZOO =
            List.of(
                    "test_resnet",
                    "test_resnet_hybrid",
                    "test_resnet_deform",
                    "test_resnet_eb",
                    "test_fasternet",
                    "test_convnext",
                    "test_convnext_iso");

    /** The zoo models' options: 32×32, where their stride-32 stages still have a position. */
    static final ModelOptions ZOO_OPTIONS = OPTIONS.withInputSize(32);

    private TinyModels() {}

    static VisionModel create(String name, NDManager manager, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        VisionModel model = ModelRegistry.create(name, options(name));
        model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
        Random r = new Random(seed);
        for (ParameterNames.Named n : ParameterNames.of(model)) {
            NDArray a = n.parameter().getArray();
            if (n.name().contains("offset_conv")) {
                // Deformable offsets away from their zero initialization: fractional sampling.
                a.set(values(r, (int) a.size(), -0.3f, 0.3f));
            } else if (n.name().endsWith("runningVar")) {
                a.set(values(r, (int) a.size(), 0.5f, 1.5f));
            } else if (n.name().endsWith("runningMean")
                    || n.name().endsWith("beta")
                    || n.name().endsWith("gamma")) {
                a.set(values(r, (int) a.size(), -1f, 1f));
            }
        }
        return model;
    }

    static ModelOptions options(String name) {
        return ZOO.contains(name) ? ZOO_OPTIONS : OPTIONS;
    }

    static float[] values(Random r, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextFloat();
        }
        return v;
    }

    static float[] forward(VisionModel model, NDManager manager, long seed) {
        try (NDManager sub = manager.newSubManager()) {
            Random r = new Random(seed);
            Shape s = model.inputShape(2);
            NDArray x = sub.create(values(r, (int) s.size(), -1f, 1f), s);
            return model.forward(new ParameterStore(sub, false), new NDList(x), false)
                    .singletonOrThrow()
                    .toFloatArray();
        }
    }
}
