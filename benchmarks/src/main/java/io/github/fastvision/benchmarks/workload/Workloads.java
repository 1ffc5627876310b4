package io.github.fastvision.benchmarks.workload;

import ai.djl.basicmodelzoo.cv.classification.MobileNetV2;
import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.core.pconv.PartialConv2d;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The workloads the benchmarks time: fasternet Table 1 operator stacks and whole models. */
public final class Workloads {

    /** Feature maps of fasternet Table 1 (FasterNet's four stages at 224×224). */
    public static final List<String> FEATURE_MAPS =
            List.of("96x56x56", "192x28x28", "384x14x14", "768x7x7");

    /** Operators of fasternet Table 1, by their report names. */
    public static final List<String> OPERATORS =
            List.of("conv3x3", "gconv3x3_g16", "dwconv3x3", "pconv3x3_r4");

    /** Layers per stack, as in fasternet Table 1. */
    public static final int LAYERS = 10;

    /** Multiply-adds of DJL's baselines (same architectures as resnet50 and MobileNetV2 1.0). */
    private static final long DJL_RESNET50_MACS = 4_089_184_256L;

    private static final long DJL_MOBILENETV2_MACS = 300_774_272L;

    private Workloads() {}

    /**
     * Parses "CxHxW".
     *
     * @param map e.g. "96x56x56"
     * @return {C, H, W}
     */
    public static long[] chw(String map) {
        String[] p = map.split("x");
        return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])};
    }

    /**
     * Ten stacked layers of one operator at one width.
     *
     * @param op operator name
     * @param channels width
     * @param mode PConv execution mode (ignored by the other operators)
     * @return the stack
     */
    public static Block operatorStack(String op, int channels, PartialConv2d.Mode mode) {
        SequentialBlock stack = new SequentialBlock();
        for (int i = 0; i < LAYERS; i++) {
            switch (op) {
                case "conv3x3":
                    stack.add(conv(channels, 1));
                    break;
                case "gconv3x3_g16":
                    stack.add(conv(channels, 16));
                    break;
                case "dwconv3x3":
                    stack.add(conv(channels, channels));
                    break;
                case "pconv3x3_r4":
                    stack.add(PartialConv2d.builder().setChannels(channels).optMode(mode).build());
                    break;
                default:
                    throw new IllegalArgumentException(
                            "unknown operator " + op + "; expected one of " + OPERATORS);
            }
        }
        return stack;
    }

    private static Conv2d conv(int channels, int groups) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .setFilters(channels)
                .optPadding(new Shape(1, 1))
                .optGroups(groups)
                .optBias(false)
                .build();
    }

    /**
     * The prefix of a model name that names a weights file ({@code weights:/path/model.fvw}): a
     * pruned or trained model, rebuilt at the widths and input size the file records.
     */
    public static final String WEIGHTS = "weights:";

    /**
     * A model by zoo name (built with its default options: 224×224 for ImageNet models, 32×32 for
     * the CIFAR ones), DJL's baselines "djl_resnetv1_50" and "djl_mobilenetv2", or a weights file
     * ({@link #WEIGHTS}; its parameters are loaded by {@link ForwardState#load}).
     *
     * @param name the name
     * @return the block
     */
    public static Block model(String name) {
        switch (name) {
            case "djl_resnetv1_50":
                return ResNetV1.builder()
                        .setNumLayers(50)
                        .setOutSize(1000)
                        .setImageShape(new Shape(3, 224, 224))
                        .build();
            case "djl_mobilenetv2":
                return MobileNetV2.builder().setOutSize(1000).build();
            default:
                return backbone(name);
        }
    }

    /**
     * The zoo model behind a zoo name or a weights file.
     *
     * @param name a zoo name or {@link #WEIGHTS} and a path
     * @return the uninitialized model
     */
    public static Backbone backbone(String name) {
        Optional<Path> file = weightsFile(name);
        if (file.isEmpty()) {
            return ModelRegistry.info(name).create();
        }
        WeightsFile.Header header = header(file.get());
        ModelInfo info = ModelRegistry.info(header.model());
        int side = header.inputSize().orElse(info.defaultOptions().inputSize());
        return info.create(header.options(side));
    }

    /**
     * The weights file a model name refers to.
     *
     * @param name a model name
     * @return the path after {@link #WEIGHTS}, or empty for zoo and DJL names
     */
    public static Optional<Path> weightsFile(String name) {
        return name.startsWith(WEIGHTS)
                ? Optional.of(Path.of(name.substring(WEIGHTS.length())))
                : Optional.empty();
    }

    /**
     * The name a report row shows: the name itself, or for a weights file its zoo model and the
     * file's folder, e.g. "vgg16_bn_cifar@p60" for {@code weights:/tmp/p60/vgg16_bn_cifar.fvw}.
     *
     * @param name a model name
     * @return the row name
     */
    public static String displayName(String name) {
        Optional<Path> file = weightsFile(name);
        if (file.isEmpty()) {
            return name;
        }
        Path parent = file.get().toAbsolutePath().getParent();
        String where =
                parent == null || parent.getFileName() == null
                        ? file.get().getFileName().toString()
                        : parent.getFileName().toString();
        return header(file.get()).model() + "@" + where;
    }

    /**
     * The zoo model a row name stands for, e.g. "vgg16_bn_cifar" for "vgg16_bn_cifar@p60".
     *
     * @param displayName a row name
     * @return the zoo (or DJL) name
     */
    public static String baseName(String displayName) {
        int at = displayName.indexOf('@');
        return at < 0 ? displayName : displayName.substring(0, at);
    }

    /**
     * The input of one image of a model: its own input size (the DJL baselines: 3×224×224).
     *
     * @param name a model name
     * @return {C, H, W}
     */
    public static long[] inputChw(String name) {
        if (name.startsWith("djl_")) {
            return new long[] {3, 224, 224};
        }
        Shape s = backbone(name).inputShape(1);
        return new long[] {s.get(1), s.get(2), s.get(3)};
    }

    /**
     * The input shape of a batch of a model.
     *
     * @param name a model name
     * @param batch the batch size
     * @return (batch, C, H, W)
     */
    public static Shape inputShape(String name, int batch) {
        long[] chw = inputChw(name);
        return new Shape(batch, chw[0], chw[1], chw[2]);
    }

    private static WeightsFile.Header header(Path file) {
        try {
            return WeightsFile.header(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the weights file " + file, e);
        }
    }

    /**
     * Multiply-adds per image of a model at its own input size.
     *
     * @param name the name
     * @return multiply-adds
     */
    public static long modelMacs(String name) {
        switch (name) {
            case "djl_resnetv1_50":
                return DJL_RESNET50_MACS;
            case "djl_mobilenetv2":
                return DJL_MOBILENETV2_MACS;
            default:
                return backbone(name).cost().macs();
        }
    }

    /**
     * Multiply-adds per image of an operator stack.
     *
     * @param op the operator
     * @param map "CxHxW"
     * @return multiply-adds
     */
    public static long stackMacs(String op, String map) {
        long[] c = chw(map);
        return Cost.of(
                        operatorStack(op, (int) c[0], PartialConv2d.Mode.SPLIT_CAT),
                        new Shape(1, c[0], c[1], c[2]))
                .macs();
    }
}
