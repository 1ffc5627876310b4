package io.github.fastvision.models.zoo;

import ai.djl.Application;
import ai.djl.Model;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.repository.MRL;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Progress;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.inference.ZooClassificationTranslator;
import io.github.fastvision.models.runtime.EngineUnavailableException;
import io.github.fastvision.models.runtime.ModelRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads one registry model through DJL's {@code Criteria}, on either engine: {@code
 * optEngine("PyTorch")} or {@code optEngine("OnnxRuntime")} (module {@code fastvision-onnx}),
 * without one the model's measured default engine. The model runs in a {@link ModelRuntime}, the
 * same as {@code predict}; the DJL model's tensors live on PyTorch, and its property {@link
 * #ENGINE_PROPERTY} names the engine that computes. Arguments ({@code optArgument}), all optional:
 * {@code weights} (a local .fvw file or import directory, whose header sets classes, channels,
 * input size, preprocessing and class names), {@code inputSize} (overrides the recorded side),
 * {@code numClasses} and {@code inChannels} (for random initialization; with weights they must
 * match the file). Supported types: {@code Image → Classifications} ({@link
 * ImageClassificationTranslator}) and {@code NDList → NDList} (a batch (N, C, S, S) in, logits
 * out); a translator factory given in the criteria takes precedence.
 */
public class RegistryModelLoader implements ModelLoader {

    /** The model property ({@code ZooModel.getProperty}) naming the engine that computes. */
    public static final String ENGINE_PROPERTY = "fastvision.engine";

    /** The model property naming the precision the engine computes in. */
    public static final String PRECISION_PROPERTY = "fastvision.precision";

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

    private static int intArg(Map<String, Object> args, String key) {
        Object v = args.get(key);
        if (v == null) {
            return 0;
        }
        try {
            int value =
                    v instanceof Number ? ((Number) v).intValue() : Integer.parseInt(v.toString());
            if (value < 1) {
                throw new IllegalArgumentException(
                        "argument " + key + " must be >= 1 but was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "argument " + key + " must be an integer but was '" + v + "'", e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * @throws EngineUnavailableException (unchecked, so DJL reports it as it is) when the engine is
     *     not on the class path or cannot run this model
     */
    @Override
    public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria)
            throws IOException, ModelNotFoundException {
        Map<String, Object> args =
                criteria.getArguments() == null ? Map.of() : criteria.getArguments();
        Object weights = args.get("weights");
        InferenceEngine engine =
                criteria.getEngine() == null ? null : InferenceEngine.parse(criteria.getEngine());
        if (info.kind() != ModelInfo.Kind.CLASSIFIER) {
            // Unchecked, so that DJL reports it as it is: the model exists but Criteria cannot
            // serve it.
            throw new IllegalArgumentException(
                    info.name()
                            + " is a "
                            + info.kind()
                            + " model; Criteria serves the zoo's classifiers (run dense models"
                            + " through their Java API)");
        }
        checkTypes(criteria);
        ModelRuntime runtime =
                ModelRuntime.builder()
                        .setModel(info.name())
                        .optWeights(weights == null ? null : Path.of(weights.toString()))
                        .optInputSize(intArg(args, "inputSize"))
                        .optNumClasses(intArg(args, "numClasses"))
                        .optInChannels(intArg(args, "inChannels"))
                        .optEngine(engine)
                        .build();
        try {
            Translator<I, O> translator = translator(info, criteria, runtime);
            // The DJL model holds its tensors on PyTorch whatever engine computes: PyTorch tensors
            // are filled in place, where other engines' NDArrays copy each input into a direct
            // buffer that only the garbage collector frees.
            Model model = Model.newInstance(info.name(), criteria.getDevice(), "PyTorch");
            model.setBlock(new RuntimeBlock(runtime));
            model.setProperty(ENGINE_PROPERTY, runtime.engine().djlName());
            model.setProperty(PRECISION_PROPERTY, runtime.precision());
            return new RuntimeZooModel<>(model, translator, runtime);
        } catch (ModelNotFoundException | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private void checkTypes(Criteria<?, ?> criteria) throws ModelNotFoundException {
        Class<?> in = criteria.getInputClass();
        Class<?> out = criteria.getOutputClass();
        TranslatorFactory factory = criteria.getTranslatorFactory();
        if ((factory != null && factory.isSupported(in, out))
                || (in == Image.class && out == Classifications.class)
                || (in == NDList.class && out == NDList.class)) {
            return;
        }
        throw new ModelNotFoundException(
                info.name()
                        + " supports Image → Classifications and NDList → NDList, not "
                        + in.getSimpleName()
                        + " → "
                        + out.getSimpleName());
    }

    /**
     * Returns the translator for a criteria's input and output types: the criteria's own factory
     * when it supports them, else the runtime's preprocessing and class names ({@code Image →
     * Classifications}) or none ({@code NDList → NDList}).
     */
    @SuppressWarnings("unchecked")
    private static <I, O> Translator<I, O> translator(
            ModelInfo info, Criteria<I, O> criteria, ModelRuntime runtime)
            throws ModelNotFoundException {
        Class<I> in = criteria.getInputClass();
        Class<O> out = criteria.getOutputClass();
        TranslatorFactory factory = criteria.getTranslatorFactory();
        if (factory != null && factory.isSupported(in, out)) {
            try {
                return factory.newInstance(
                        in,
                        out,
                        null,
                        criteria.getArguments() == null ? Map.of() : criteria.getArguments());
            } catch (ai.djl.translate.TranslateException e) {
                throw new ModelNotFoundException("translator factory failed for " + info.name(), e);
            }
        }
        if (in == Image.class && out == Classifications.class) {
            return (Translator<I, O>)
                    new ZooClassificationTranslator(runtime.preprocessor(), runtime.classNames());
        }
        return (Translator<I, O>) new NoopTranslator();
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
