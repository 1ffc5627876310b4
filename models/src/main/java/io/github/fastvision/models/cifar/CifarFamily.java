package io.github.fastvision.models.cifar;

import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ModelFamily;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.VisionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The 32×32 networks of thesis chapter 3 (VGG with BN, CIFAR ResNets, pre-activation ResNets):
 * counted and listed at 32×32 with 10 classes; their architecture is a width table, so the pruning
 * methods of {@code fastvision-pruning} apply to them ({@link #channelGroups}).
 */
public final class CifarFamily implements ModelFamily {

    /** The options the zoo table and the paper check use: CIFAR-10 images. */
    public static final ModelOptions CIFAR10 =
            ModelOptions.builder().setNumClasses(10).optInputSize(32).build();

    /** {@inheritDoc} */
    @Override
    public String displayName() {
        return "CIFAR nets";
    }

    /** {@inheritDoc} */
    @Override
    public List<ModelInfo> models() {
        List<ModelInfo> list = new ArrayList<>();
        for (CifarVariant v : CifarVariant.values()) {
            list.add(
                    ModelInfo.builder()
                            .setName(v.zooName())
                            .setFamily(this)
                            .setClassifier(o -> CifarNet.create(v, o))
                            .optReference(v.reference())
                            .optNote(
                                    v.note().isEmpty()
                                            ? "32x32, 10 classes"
                                            : "32x32, 10 classes; " + v.note())
                            .optStandIn(standIn(v).zooName())
                            .optDefaultOptions(CIFAR10)
                            .build());
        }
        return list;
    }

    /** {@inheritDoc} */
    @Override
    public Map<String, String> aliases() {
        return Map.of(
                "vgg16_cifar", "vgg16_bn_cifar",
                "vgg19_cifar", "vgg19_bn_cifar",
                "vgg11_cifar", "vgg11_bn_cifar");
    }

    /** {@inheritDoc} */
    @Override
    public Preprocessing preprocessing() {
        return Preprocessing.imagenet(1.0f);
    }

    /** {@inheritDoc} */
    @Override
    public Optional<List<ChannelGroup>> channelGroups(Backbone model) {
        if (!(model instanceof VisionModel)) {
            return Optional.empty();
        }
        for (CifarVariant v : CifarVariant.values()) {
            if (v.zooName().equals(model.getName())) {
                return Optional.of(CifarNet.groups(v, (VisionModel) model));
            }
        }
        return Optional.empty();
    }

    private static CifarVariant standIn(CifarVariant v) {
        switch (v.layout()) {
            case VGG:
                return CifarVariant.TEST_VGG_CIFAR;
            case RESNET:
                return CifarVariant.TEST_RESNET_CIFAR;
            case PRERESNET:
                return CifarVariant.TEST_PRERESNET_CIFAR;
            default:
                return CifarVariant.TEST_PRERESNET_BOTTLENECK_CIFAR;
        }
    }
}
