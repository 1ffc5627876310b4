package io.github.fastvision.benchmarks.models;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelOptions;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import java.nio.file.Path;

/**
 * Writes a weights file of a deformable model whose offset predictors are drawn from N(0, s²/(9·C))
 * (C the predictor's input channels) and whose other parameters are the random initialization of
 * seed 0: a fresh model's predictors are zero and sample at integral positions only, while these
 * sample between pixels at every tap, as trained predictors do. For latency measurements of the
 * four-corner path ({@link InterleavedLatency}); the predictions mean nothing.
 *
 * <pre>
 * java -cp "examples/target/lib/*" io.github.fastvision.benchmarks.models.OffsetPredictorWeights \
 *   resnet50_deform_max 0.1 /tmp/resnet50_deform_max.fvw
 * </pre>
 */
public final class OffsetPredictorWeights {

    private OffsetPredictorWeights() {}

    /**
     * Writes the file.
     *
     * @param args model name, scale s, output file
     * @throws Exception when the model cannot be built or the file written
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException(
                    "usage: OffsetPredictorWeights MODEL SCALE OUT.fvw (e.g. resnet50_deform_max"
                            + " 0.1 out.fvw)");
        }
        double scale = Double.parseDouble(args[1]);
        Engine.getEngine("PyTorch").setRandomSeed(0);
        Autograd.disable();
        try (NDManager m = NDManager.newBaseManager()) {
            Backbone model =
                    ModelRegistry.model(
                            args[0], ModelOptions.builder().setNumClasses(1000).build());
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            int predictors = 0;
            for (Pair<String, Parameter> p : model.getParameters()) {
                if (p.getKey().contains("offset_conv") && p.getKey().endsWith("weight")) {
                    NDArray w = p.getValue().getArray();
                    float std = (float) (scale / Math.sqrt(9.0 * w.getShape().get(1)));
                    try (NDArray drawn = m.randomNormal(0f, std, w.getShape(), DataType.FLOAT32)) {
                        w.set(drawn.toFloatArray());
                    }
                    predictors++;
                }
            }
            if (predictors == 0) {
                throw new IllegalArgumentException(args[0] + " has no offset predictors");
            }
            WeightsFile.save(model, Path.of(args[2]));
            System.out.println(args[0] + ": " + predictors + " offset predictors -> " + args[2]);
        }
    }
}
