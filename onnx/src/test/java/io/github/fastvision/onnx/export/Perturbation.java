package io.github.fastvision.onnx.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.github.fastvision.models.Backbone;

/** Parameters moved where the ONNX tests compare a graph against the block tree. */
public final class Perturbation {

    private Perturbation() {}

    /**
     * Moves parameters off their initial values where those hide mistakes: BN statistics away from
     * (0, 1) so folding matters, deformable offsets away from 0 so sampling is fractional, layer
     * scales away from 1e-6 so residual branches count.
     */
    public static void perturb(Backbone model, NDManager m) {
        for (Pair<String, Parameter> p : model.getParameters()) {
            NDArray a = p.getValue().getArray();
            String key = p.getKey();
            NDArray replacement;
            if (key.endsWith("runningVar")) {
                replacement = m.randomUniform(0.5f, 1.5f, a.getShape());
            } else if (key.endsWith("runningMean")) {
                replacement = m.randomNormal(0f, 0.1f, a.getShape(), DataType.FLOAT32);
            } else if (key.contains("offset_conv")) {
                replacement = m.randomNormal(0f, 0.3f, a.getShape(), DataType.FLOAT32);
            } else if (key.endsWith("gamma") && !key.contains("bn")) {
                replacement = m.randomNormal(0f, 0.5f, a.getShape(), DataType.FLOAT32);
            } else {
                continue;
            }
            a.set(replacement.toFloatArray());
            replacement.close();
        }
    }
}
