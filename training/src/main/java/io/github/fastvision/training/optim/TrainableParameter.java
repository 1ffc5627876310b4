package io.github.fastvision.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import io.github.fastvision.models.ParameterNames;
import java.util.ArrayList;
import java.util.List;

/**
 * A parameter the optimizer updates, with whether weight decay applies to it.
 *
 * @param name dotted name
 * @param array the weight
 * @param decay whether weight decay applies
 */
public record TrainableParameter(String name, NDArray array, boolean decay) {

    /**
     * Lists the trainable parameters of a block. Following timm and the official FasterNet and
     * ConvNeXt code, weights of rank ≤ 1 (norm scales and shifts, biases, layer scales) and
     * position embeddings and class tokens are not decayed.
     *
     * @param block an initialized block
     * @return trainable parameters in save order
     */
    public static List<TrainableParameter> of(Block block) {
        List<TrainableParameter> out = new ArrayList<>();
        for (ParameterNames.Named p : ParameterNames.of(block)) {
            if (!p.parameter().requiresGradient()) {
                continue;
            }
            NDArray a = p.parameter().getArray();
            boolean decay =
                    a.getShape().dimension() > 1
                            && !p.name().contains("pos_embed")
                            && !p.name().contains("cls_token");
            out.add(new TrainableParameter(p.name(), a, decay));
        }
        return out;
    }
}
