package io.github.fastvision.models.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.runtime.InferenceMode;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.io.WeightsFile;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.Consumer;

/**
 * The PyTorch engine: fastvision's block tree on DJL's PyTorch engine, on the inference fast path
 * ({@link InferenceMode}: BN folded, PConv slicing, no autograd).
 */
public final class PyTorchEngineProvider implements EngineProvider {

    /** {@inheritDoc} */
    @Override
    public InferenceEngine engine() {
        return InferenceEngine.PYTORCH;
    }

    /** {@inheritDoc} */
    @Override
    public EngineSession open(RuntimeRequest request) throws IOException {
        if (request.threads() > 0) {
            ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch before the JNI call
            JniUtils.setNumThreads(request.threads());
        }
        Backbone model = request.info().create(request.options());
        NDManager manager = NDManager.newBaseManager("PyTorch");
        try {
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
            if (request.weights() != null) {
                WeightsFile.load(model, manager, request.weights());
            }
            int outputs;
            if (request.features() && model instanceof VisionModel vm) {
                outputs = vm.getHead().getFeatures();
                vm.resetClassifier(0);
            } else if (request.features()) {
                List<Shape> shapes = model.featureShapes(model.inputShape(1));
                outputs = (int) shapes.get(shapes.size() - 1).get(1);
            } else {
                outputs = request.options().numClasses();
            }
            InferenceMode.enter(model);
            return new Session(manager, model, request.features(), outputs);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Each batch's input is created natively in a per-batch sub-manager and filled through the
     * tensor's own memory ({@code toByteBuffer(true)} is a view on a contiguous PyTorch tensor), so
     * no Java direct buffer (freed only at GC) is made per batch.
     */
    private static final class Session implements EngineSession {
        /** Forward passes take turns: libtorch's intra-op threads already use every core. */
        private final Object lock = new Object();

        private final NDManager manager;
        private final Backbone model;
        private final boolean features;
        private final int outputs;
        private final ParameterStore parameters;

        Session(NDManager manager, Backbone model, boolean features, int outputs) {
            this.manager = manager;
            this.model = model;
            this.features = features;
            this.outputs = outputs;
            this.parameters = new ParameterStore(manager, false);
        }

        @Override
        public int outputs() {
            return outputs;
        }

        @Override
        public float[] run(int n, Consumer<java.nio.FloatBuffer> fill) {
            // PyTorch keeps grad mode per thread: every calling thread turns it off itself.
            Autograd.disable();
            try (NDManager batch = manager.newSubManager()) {
                NDArray x = batch.create(model.inputShape(n), DataType.FLOAT32);
                fill.accept(x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer());
                synchronized (lock) {
                    NDArray y;
                    if (features && !(model instanceof VisionModel)) {
                        // A dense model has no classifier head: pool its last stage's map.
                        NDList maps = model.forwardFeatures(parameters, x, false);
                        y = maps.get(maps.size() - 1).mean(new int[] {2, 3});
                    } else {
                        y = model.forward(parameters, new NDList(x), false).head();
                    }
                    return y.toFloatArray();
                }
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
