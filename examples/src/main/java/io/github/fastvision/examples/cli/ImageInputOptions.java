package io.github.fastvision.examples.cli;

import ai.djl.pytorch.jni.JniUtils;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.runtime.Precision;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The options {@code predict} and {@code embed} share: the model, its weights, the images, and how
 * they are batched and run.
 */
public final class ImageInputOptions {

    @Option(
            names = "--model",
            required = true,
            description = "Zoo model name (see `fastvision zoo`).")
    private String model;

    @Option(
            names = "--weights",
            description =
                    "Weights (.fvw file, or the directory `train`/`import --out` wrote); random initialization without it.")
    private Path weights;

    @Parameters(
            arity = "1..*",
            paramLabel = "IMAGE_OR_DIR",
            description = "Image files, or directories (walked recursively).")
    private List<Path> inputs;

    @Option(
            names = "--batch",
            defaultValue = "32",
            description = "Images per forward pass, 1..1024 (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(
            names = "--image-size",
            defaultValue = "0",
            description =
                    "Square input side, 8..4096 (default: the weights' recorded side, else 224).")
    private int imageSize;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description =
                    "Intra-op threads of the forward pass, 0..256 (default 0: libtorch's, one per"
                            + " core).")
    private int threads;

    @Option(
            names = "--engine",
            description =
                    "PyTorch or OnnxRuntime; default: the model's default engine (see `fastvision"
                            + " zoo --json`).")
    private String engine;

    @Option(
            names = "--precision",
            defaultValue = "auto",
            description =
                    "auto, fp32 or int8 (default: ${DEFAULT-VALUE}: int8 where `quantize` wrote an"
                            + " int8 model beside the weights).")
    private String precision;

    @Option(
            names = "--strict",
            description =
                    "Fail on an unusable entry in a directory (not a decodable image, unreadable, a"
                            + " dangling link, a link loop) instead of skipping it.")
    private boolean strict;

    /**
     * Validates {@code --batch}, {@code --image-size} and {@code --threads} against {@link
     * OptionBounds} and, when given, sets libtorch's intra-op thread count.
     *
     * @throws IllegalArgumentException naming the option, its range and the value
     */
    void applyThreads() {
        OptionBounds.check("--batch", batch, 1, OptionBounds.MAX_BATCH);
        if (imageSize != 0) {
            OptionBounds.check(
                    "--image-size",
                    imageSize,
                    OptionBounds.MIN_IMAGE_SIZE,
                    OptionBounds.MAX_IMAGE_SIZE);
        }
        OptionBounds.check("--threads", threads, 0, OptionBounds.MAX_THREADS);
        if (threads > 0) {
            ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch before the JNI call
            JniUtils.setNumThreads(threads);
        }
    }

    String model() {
        return model;
    }

    Path weights() {
        return weights;
    }

    List<Path> inputs() {
        return inputs;
    }

    int batch() {
        return batch;
    }

    int imageSize() {
        return imageSize;
    }

    /** Intra-op threads, or 0 for the engine's default. */
    int threads() {
        return threads;
    }

    /** The precision {@code --precision} names. */
    Precision parsedPrecision() {
        return Precision.parse(precision);
    }

    /** The engine {@code --engine} names, or null for the model's default. */
    InferenceEngine parsedEngine() {
        return engine == null ? null : InferenceEngine.parse(engine);
    }

    boolean strict() {
        return strict;
    }

    /** The engine named by {@code --engine}, or null for the model's default. */
    String engine() {
        return engine;
    }
}
