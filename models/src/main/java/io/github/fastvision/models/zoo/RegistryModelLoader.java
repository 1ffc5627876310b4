package io.github.fastvision.models.zoo;

import ai.djl.Application;
import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.repository.MRL;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ModelZoo;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Progress;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.Preprocessing;
import io.github.fastvision.models.inference.ClassNames;
import io.github.fastvision.models.inference.ImageClassificationTranslator;
import io.github.fastvision.models.inference.ImagePreprocessor;
import io.github.fastvision.models.io.WeightsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads one registry model through DJL's {@code Criteria}. Arguments ({@code optArgument}): {@code
 * numClasses}, {@code inputSize}, {@code inChannels}, {@code dropPath}, {@code stemStride}
 * (patchify stems only, see {@link ModelOptions}) and {@code weights} (a local .fvw file from
 * {@code fastvision import} or training; random initialization without it). Supported types: {@code
 * Image → Classifications} with the weights' recorded preprocessing, else the family's ({@link
 * ImageClassificationTranslator}, the code {@code fastvision predict} runs), and {@code NDList →
 * NDList}; a translator factory given in the criteria takes precedence.
 */
public class RegistryModelLoader implements ModelLoader {

    private final ModelInfo info;

    /**
     * Creates the loader.
     *
     * @param info the registry entry
     */
    public RegistryModelLoader(ModelInfo info) {
        this.info = info;
    }

    /** {@inheritDoc} */
    @Override
    public String getGroupId() {
        return FastVisionModelZoo.GROUP_ID;
    }

    /** {@inheritDoc} */
    @Override
    public String getArtifactId() {
        return info.name();
    }

    /** {@inheritDoc} */
    @Override
    public Application getApplication() {
        return Application.CV.IMAGE_CLASSIFICATION;
    }

    /** {@inheritDoc} */
    @Override
    public MRL getMrl() {
        return null;
    }

    private static int intArg(Map<String, Object> args, String key, int fallback) {
        Object v = args.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return v instanceof Number ? ((Number) v).intValue() : Integer.parseInt(v.toString());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "argument " + key + " must be an integer but was '" + v + "'", e);
        }
    }

    /**
     * Reads the model options from {@code Criteria} arguments ({@code numClasses}, {@code
     * inputSize}, {@code inChannels}, {@code stemStride}, {@code dropPath}); ImageNet defaults.
     *
     * @param args the criteria's arguments
     * @return the options
     */
    public static ModelOptions options(Map<String, Object> args) {
        ModelOptions defaults = ModelOptions.IMAGENET;
        Object dropPath = args.get("dropPath");
        ModelOptions.Builder builder =
                ModelOptions.builder()
                        .setNumClasses(intArg(args, "numClasses", defaults.numClasses()))
                        .optInputSize(intArg(args, "inputSize", defaults.inputSize()))
                        .optInChannels(intArg(args, "inChannels", defaults.inChannels()))
                        .optStemStride(intArg(args, "stemStride", defaults.stemStride()));
        if (dropPath != null) {
            builder.optDropPath(Float.parseFloat(dropPath.toString()));
        }
        return builder.build();
    }

    /** {@inheritDoc} */
    @Override
    @SuppressWarnings("unchecked")
    public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria)
            throws IOException, ModelNotFoundException {
        if (criteria.getEngine() == null
                && InferenceEngine.defaultFor(info.name()) != InferenceEngine.PYTORCH
                && ModelZoo.hasModelZoo(FastVisionModelZoo.ONNX_RUNTIME_GROUP_ID)) {
            // No engine asked for: the model's default engine serves it (DJL tries the next zoo).
            throw new ModelNotFoundException(
                    info.name()
                            + " defaults to "
                            + InferenceEngine.defaultFor(info.name()).djlName()
                            + "; optEngine(\"PyTorch\") selects the PyTorch engine");
        }
        Map<String, Object> args = criteria.getArguments();
        ModelOptions options = options(args);
        Object weights = args.get("weights");
        Translator<I, O> translator = translator(info, criteria, options);
        Backbone block = info.create(options);
        Model model = Model.newInstance(info.name(), criteria.getDevice(), "PyTorch");
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, block.inputShape(1));
        if (weights != null) {
            WeightsFile.load(block, model.getNDManager(), Path.of(weights.toString()));
        }
        return new ZooModel<>(model, translator);
    }

    /**
     * Returns the translator for a criteria's input and output types: the criteria's own factory
     * when it supports them, else the family's preprocessing ({@code Image → Classifications}) or
     * none ({@code NDList → NDList}).
     *
     * @param info the model
     * @param criteria the criteria
     * @param options the model options
     * @param <I> the input type
     * @param <O> the output type
     * @return the translator
     * @throws ModelNotFoundException for unsupported types
     */
    @SuppressWarnings("unchecked")
    public static <I, O> Translator<I, O> translator(
            ModelInfo info, Criteria<I, O> criteria, ModelOptions options)
            throws ModelNotFoundException {
        Class<I> in = criteria.getInputClass();
        Class<O> out = criteria.getOutputClass();
        TranslatorFactory factory = criteria.getTranslatorFactory();
        if (factory != null && factory.isSupported(in, out)) {
            try {
                return factory.newInstance(in, out, null, criteria.getArguments());
            } catch (ai.djl.translate.TranslateException e) {
                throw new ModelNotFoundException("translator factory failed for " + info.name(), e);
            }
        }
        if (in == Image.class && out == Classifications.class) {
            Object weights = criteria.getArguments().get("weights");
            WeightsFile.Header header;
            try {
                header =
                        weights == null
                                ? null
                                : WeightsFile.header(
                                        WeightsFile.resolve(
                                                Path.of(weights.toString()), info.name()));
            } catch (IOException e) {
                throw new ModelNotFoundException("cannot read the weights " + weights, e);
            }
            String recorded =
                    header == null ? null : header.metadata().get(WeightsFile.PREPROCESSING);
            Preprocessing preprocessing =
                    recorded != null
                            ? Preprocessing.fromJson(recorded)
                            : info.family().preprocessing();
            ClassNames names =
                    header != null && header.numClasses() == options.numClasses()
                            ? ClassNames.forWeights(header)
                            : ClassNames.forClasses(options.numClasses());
            return (Translator<I, O>)
                    new ImageClassificationTranslator(
                            new ImagePreprocessor(
                                    preprocessing, options.inputSize(), options.inChannels()),
                            names);
        }
        if (in == NDList.class && out == NDList.class) {
            return (Translator<I, O>) new NoopTranslator();
        }
        throw new ModelNotFoundException(
                info.name()
                        + " supports Image → Classifications and NDList → NDList, not "
                        + in.getSimpleName()
                        + " → "
                        + out.getSimpleName());
    }

    /** {@inheritDoc} */
    @Override
    public <I, O> boolean isDownloaded(Criteria<I, O> criteria) {
        return true;
    }

    /** {@inheritDoc} */
    @Override
    public <I, O> void downloadModel(Criteria<I, O> criteria, Progress progress) {
        // Nothing to download: models are built from code and weights come from local files.
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return FastVisionModelZoo.GROUP_ID + ":" + info.name();
    }
}
