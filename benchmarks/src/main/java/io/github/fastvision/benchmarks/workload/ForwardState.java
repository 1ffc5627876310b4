package io.github.fastvision.benchmarks.workload;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.core.runtime.NativeAllocator;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.io.WeightsFile;

/**
 * Shared benchmark state: a block initialized on the benchmark thread with autograd off, the
 * intra-op thread count set, glibc's allocator tuned, and one fixed input. Each call runs in its
 * own sub-manager so nothing accumulates.
 */
public class ForwardState {

    private NDManager manager;
    private Block block;
    private ParameterStore ps;
    private NDArray input;

    /**
     * Builds the state.
     *
     * @param block the block to time
     * @param input its input shape (batch included)
     * @param threads intra-op threads
     */
    public void open(Block block, Shape input, int threads) {
        NativeAllocator.tune();
        Autograd.disable();
        JniUtils.setNumThreads(threads);
        manager = NDManager.newBaseManager();
        this.block = block;
        block.initialize(manager, DataType.FLOAT32, input);
        ps = new ParameterStore(manager, false);
        this.input = manager.randomNormal(input);
    }

    /**
     * Loads the parameters of a weights file into the block (a zoo model built at the file's
     * widths, see {@link Workloads#backbone}).
     *
     * @param weights the .fvw file
     */
    public void load(java.nio.file.Path weights) {
        try {
            WeightsFile.load((Backbone) block, manager, weights);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot load " + weights, e);
        }
    }

    /**
     * Returns the block, e.g. to switch it to the inference path.
     *
     * @return the block
     */
    public Block block() {
        return block;
    }

    /**
     * One forward pass. Operator outputs attach to their input's manager, so the input is lent to
     * the per-call sub-manager for the pass: every intermediate is then freed with it instead of
     * accumulating in the state's manager until the trial ends.
     *
     * @return one output value, so the work cannot be eliminated
     */
    public float forward() {
        try (NDManager call = manager.newSubManager()) {
            input.attach(call);
            try {
                NDArray y = block.forward(ps, new NDList(input), false).head();
                return y.getFloat(new long[y.getShape().dimension()]);
            } finally {
                input.attach(manager);
            }
        }
    }

    /** Frees the native memory. */
    public void close() {
        manager.close();
    }
}
