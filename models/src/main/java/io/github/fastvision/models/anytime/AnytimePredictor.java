package io.github.fastvision.models.anytime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.layers.Autograd;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Anytime inference: runs an {@link AnytimeSegmenter} exit by exit, hands every prediction to a
 * listener as soon as it is ready (with the elapsed time), and stops at a deadline, a multiply-add
 * budget, an exit limit, or when {@link #cancel()} is called from any thread. The result is the
 * latest prediction. The first exit is always computed: an anytime model has no earlier answer to
 * give.
 *
 * <p>Stopping is checked before each stage starts, so a deadline is overrun by at most the stage
 * that was running when it passed. Predictions are class maps and confidences at the exit
 * resolution (H/4, W/4) in the caller's manager. A predictor serves one call at a time.
 */
public final class AnytimePredictor {

    private final AnytimeSegmenter model;
    private final ParameterStore ps;
    private final boolean sparse;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    /**
     * Creates a predictor over an initialized model.
     *
     * @param model the model
     * @param manager the manager parameters are read through
     * @param sparse whether masked convolutions run sparsely (the point of ADP-C on a CPU)
     */
    public AnytimePredictor(AnytimeSegmenter model, NDManager manager, boolean sparse) {
        if (!model.isInitialized()) {
            throw new IllegalArgumentException(
                    "the anytime model must be initialized (or loaded) first");
        }
        this.model = model;
        this.ps = new ParameterStore(manager, false);
        this.sparse = sparse;
    }

    /** When to stop. */
    public record Budget(Duration deadline, long maxMacs, int maxExits) {
        /** No limit: all exits. */
        public static final Budget NONE = new Budget(null, Long.MAX_VALUE, Integer.MAX_VALUE);

        /**
         * Validates the budget.
         *
         * @param deadline wall-clock limit, or null
         * @param maxMacs stop once this many multiply-adds are spent
         * @param maxExits stop after this many exits
         */
        public Budget {
            if (deadline != null && deadline.isNegative()) {
                throw new IllegalArgumentException(
                        "deadline must not be negative but was " + deadline);
            }
            if (maxMacs <= 0 || maxExits <= 0) {
                throw new IllegalArgumentException(
                        "budget must allow at least one exit (maxMacs, maxExits > 0) but got "
                                + maxMacs
                                + ", "
                                + maxExits);
            }
        }

        /**
         * A wall-clock deadline.
         *
         * @param deadline the limit
         * @return the budget
         */
        public static Budget deadline(Duration deadline) {
            return new Budget(deadline, Long.MAX_VALUE, Integer.MAX_VALUE);
        }
    }

    /** Why a call ended. */
    public enum StopReason {
        /** Every exit was computed. */
        COMPLETED,
        /** The deadline passed. */
        DEADLINE,
        /** The multiply-add budget was spent. */
        BUDGET,
        /** The exit limit was reached. */
        EXIT_LIMIT,
        /** {@link #cancel()} was called. */
        CANCELLED
    }

    /**
     * One exit's prediction.
     *
     * @param exit 1-based exit number
     * @param classes (N, H/4, W/4) int32 class map
     * @param confidence (N, H/4, W/4) maximum class probability
     * @param elapsed time since the call started when the prediction was ready
     * @param macs multiply-adds spent so far (whole batch, masks applied)
     * @param computedFraction fraction of positions this exit still computed
     */
    public record ExitPrediction(
            int exit,
            NDArray classes,
            NDArray confidence,
            Duration elapsed,
            long macs,
            double computedFraction) {}

    /** Receives predictions as they become ready. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called on the inference thread after each exit.
         *
         * @param prediction the prediction
         */
        void onExit(ExitPrediction prediction);
    }

    /**
     * The outcome of a call.
     *
     * @param predictions every prediction made, exit 1 first
     * @param reason why it stopped
     */
    public record Result(List<ExitPrediction> predictions, StopReason reason) {
        /**
         * Returns the latest prediction.
         *
         * @return the last exit computed
         */
        public ExitPrediction latest() {
            return predictions.get(predictions.size() - 1);
        }
    }

    /** Asks a running (or the next) call to stop before its next stage; safe from any thread. */
    public void cancel() {
        cancelled.set(true);
    }

    /**
     * Runs anytime inference.
     *
     * @param images (N, C, H, W) normalized images
     * @param budget when to stop
     * @param listener receives each prediction as it is ready, or null
     * @return the predictions and why it stopped
     */
    public Result predict(NDArray images, Budget budget, Listener listener) {
        long start = System.nanoTime();
        NDManager out = images.getManager();
        List<ExitPrediction> predictions = new ArrayList<>();
        StopReason reason = StopReason.COMPLETED;
        boolean recording = Autograd.isRecording();
        Autograd.setRecording(false);
        try (NDManager scratch = out.newSubManager()) {
            NDArray x = images.duplicate();
            x.attach(scratch);
            try (AnytimeSegmenter.Pass pass = model.begin(ps, x, false, sparse)) {
                while (pass.hasNext()) {
                    if (pass.exitsDone() > 0) {
                        StopReason stop =
                                shouldStop(budget, start, predictions.get(predictions.size() - 1));
                        if (stop != null) {
                            reason = stop;
                            break;
                        }
                    }
                    AnytimeSegmenter.ExitOutput o = pass.next();
                    NDArray probs = o.logits().softmax(1);
                    NDArray classes = o.logits().argMax(1).toType(DataType.INT32, false);
                    NDArray conf = probs.max(new int[] {1});
                    classes.attach(out);
                    conf.attach(out);
                    ExitPrediction p =
                            new ExitPrediction(
                                    o.exit(),
                                    classes,
                                    conf,
                                    Duration.ofNanos(System.nanoTime() - start),
                                    o.macs(),
                                    o.computedFraction());
                    predictions.add(p);
                    if (listener != null) {
                        listener.onExit(p);
                    }
                }
            }
        } finally {
            Autograd.setRecording(recording);
            cancelled.set(false);
        }
        return new Result(List.copyOf(predictions), reason);
    }

    private StopReason shouldStop(Budget budget, long start, ExitPrediction last) {
        if (cancelled.get()) {
            return StopReason.CANCELLED;
        }
        if (budget.deadline() != null && System.nanoTime() - start >= budget.deadline().toNanos()) {
            return StopReason.DEADLINE;
        }
        if (last.macs() >= budget.maxMacs()) {
            return StopReason.BUDGET;
        }
        if (last.exit() >= budget.maxExits()) {
            return StopReason.EXIT_LIMIT;
        }
        return null;
    }
}
