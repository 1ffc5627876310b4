package io.github.fastvision.onnx.runtime;

import ai.djl.Application;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.repository.MRL;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelLoader;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.Translator;
import ai.djl.util.Progress;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.zoo.FastVisionModelZoo;
import io.github.fastvision.models.zoo.RegistryModelLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads one registry classifier on ONNX Runtime through DJL's {@code Criteria}. Arguments as for
 * the PyTorch zoo ({@link RegistryModelLoader}); {@code weights} points to a local .fvw file or
 * import directory, and the export is cached beside it. Without an engine in the criteria, this
 * loader serves only models whose default engine is ONNX Runtime ({@link
 * InferenceEngine#defaultFor}).
 */
public class OnnxRuntimeModelLoader implements ModelLoader {

    private final ModelInfo info;

    /**
     * Creates the loader.
     *
     * @param info the registry entry (a classifier)
     */
    public OnnxRuntimeModelLoader(ModelInfo info) {
        this.info = info;
    }

    /** {@inheritDoc} */
    @Override
    public String getGroupId() {
        return FastVisionModelZoo.ONNX_RUNTIME_GROUP_ID;
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

    /** {@inheritDoc} */
    @Override
    public <I, O> ZooModel<I, O> loadModel(Criteria<I, O> criteria)
            throws IOException, ModelNotFoundException, MalformedModelException {
        if (criteria.getEngine() == null
                && InferenceEngine.defaultFor(info.name()) != InferenceEngine.ONNX_RUNTIME) {
            throw new ModelNotFoundException(
                    info.name()
                            + " defaults to the PyTorch engine; optEngine(\"OnnxRuntime\") selects"
                            + " ONNX Runtime");
        }
        Map<String, Object> args = criteria.getArguments();
        ModelOptions options = RegistryModelLoader.options(args);
        Translator<I, O> translator = RegistryModelLoader.translator(info, criteria, options);
        Object weights = args.get("weights");
        Model model =
                Model.newInstance(
                        info.name(), criteria.getDevice(), InferenceEngine.ONNX_RUNTIME.djlName());
        try {
            if (weights != null) {
                Path onnx = ZooExports.cached(info, options, Path.of(weights.toString()));
                try (InputStream in = Files.newInputStream(onnx)) {
                    model.load(in, criteria.getOptions());
                }
            } else {
                byte[] onnx = ZooExports.export(info, options, null);
                model.load(new ByteArrayInputStream(onnx), criteria.getOptions());
            }
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
        return new ZooModel<>(model, translator);
    }

    /** {@inheritDoc} */
    @Override
    public <I, O> boolean isDownloaded(Criteria<I, O> criteria) {
        return true;
    }

    /** {@inheritDoc} */
    @Override
    public <I, O> void downloadModel(Criteria<I, O> criteria, Progress progress) {
        // Nothing to download: the model is exported from code and local weights.
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return FastVisionModelZoo.ONNX_RUNTIME_GROUP_ID + ":" + info.name();
    }
}
