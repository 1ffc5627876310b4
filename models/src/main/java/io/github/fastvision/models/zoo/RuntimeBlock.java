package io.github.fastvision.models.zoo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.github.fastvision.models.runtime.ModelRuntime;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.ByteOrder;

/**
 * A {@link ModelRuntime} as the block of a DJL {@code Model}, so that a {@code Criteria}-loaded
 * predictor runs the same engine session as every other door. Its input is a batch (N, C, S, S);
 * its output, the runtime's logits, lives in the input's manager.
 */
final class RuntimeBlock extends AbstractBlock {

    private final ModelRuntime runtime;

    RuntimeBlock(ModelRuntime runtime) {
        this.runtime = runtime;
        inputNames = java.util.List.of("input");
        inputShapes = new Shape[] {shape(1)};
    }

    private Shape shape(long n) {
        int s = runtime.preprocessor().size();
        return new Shape(n, runtime.preprocessor().channels(), s, s);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape want = shape(x.getShape().get(0));
        if (x.getShape().dimension() != 4 || !x.getShape().equals(want)) {
            throw new IllegalArgumentException(
                    runtime.info().name()
                            + " takes a batch of shape "
                            + want
                            + " but got "
                            + x.getShape());
        }
        if (x.getDataType() != DataType.FLOAT32) {
            x = x.toType(DataType.FLOAT32, false);
        }
        int n = (int) want.get(0);
        float[] flat;
        if ("PyTorch".equals(x.getManager().getEngine().getEngineName())) {
            // A view of the tensor's memory: the batch is copied once, into the engine's input.
            NDArray input = x;
            flat =
                    runtime.runFlat(
                            n,
                            buffer ->
                                    buffer.put(
                                            input.toByteBuffer(true)
                                                    .order(ByteOrder.nativeOrder())
                                                    .asFloatBuffer()));
        } else {
            flat = runtime.runFlat(x.toFloatArray(), n);
        }
        return new NDList(x.getManager().create(flat, new Shape(n, runtime.outputs())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), runtime.outputs())};
    }

    @Override
    public boolean isInitialized() {
        return true;
    }

    @Override
    public void saveParameters(DataOutputStream os) {
        throw new UnsupportedOperationException(
                "a Criteria-loaded fastvision model is saved with WeightsFile.save on the zoo model");
    }

    @Override
    public void loadParameters(ai.djl.ndarray.NDManager manager, DataInputStream is) {
        throw new UnsupportedOperationException(
                "fastvision weights load through the weights argument of Criteria");
    }
}
