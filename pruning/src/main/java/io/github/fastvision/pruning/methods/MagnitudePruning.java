package io.github.fastvision.pruning.methods;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.github.fastvision.models.ParameterNames;
import io.github.fastvision.training.TrainingLoopListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Unstructured magnitude pruning (Han et al., NeurIPS 2015; thesis §3.5.3, Table 3.6): the
 * convolution weights with the smallest |w| are set to zero, over all convolutions at once ({@link
 * Scope#GLOBAL}) or at the same share in each ({@link Scope#PER_LAYER}). The masks stay fixed while
 * the model is fine-tuned or trained from scratch ({@link Masks#listener()} re-applies them after
 * every optimizer step). The architecture keeps its shape: the saving is in non-zero weights, not
 * in dense FLOPs.
 */
public final class MagnitudePruning {

    /** Where the threshold is taken. */
    public enum Scope {
        /** One threshold over every convolution weight of the network. */
        GLOBAL,
        /** The same share removed in each convolution. */
        PER_LAYER
    }

    private MagnitudePruning() {}

    /**
     * Lists the convolution weights (rank 4) of a model.
     *
     * @param model an initialized model
     * @return the parameters
     */
    public static List<Parameter> convolutionWeights(Block model) {
        List<Parameter> out = new ArrayList<>();
        for (ParameterNames.Named n : ParameterNames.of(model)) {
            if (n.name().endsWith("weight")
                    && n.parameter().getArray().getShape().dimension() == 4) {
                out.add(n.parameter());
            }
        }
        return out;
    }

    /**
     * Computes masks that remove the given share of convolution weights by magnitude.
     *
     * @param model the trained model
     * @param ratio share of convolution weights removed, in (0, 1)
     * @param scope global or per layer
     * @return the masks (not yet applied)
     */
    public static Masks masks(Block model, double ratio, Scope scope) {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException(
                    "ratio must be in (0, 1) (the share of convolution weights removed) but was "
                            + ratio);
        }
        List<Parameter> weights = convolutionWeights(model);
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("magnitude pruning needs convolutions; found none");
        }
        List<float[]> values = new ArrayList<>();
        for (Parameter p : weights) {
            values.add(p.getArray().toType(DataType.FLOAT32, false).toFloatArray());
        }
        List<boolean[]> keep = new ArrayList<>();
        if (scope == Scope.GLOBAL) {
            int total = values.stream().mapToInt(v -> v.length).sum();
            float[] all = new float[total];
            int at = 0;
            for (float[] v : values) {
                for (float x : v) {
                    all[at++] = Math.abs(x);
                }
            }
            float threshold = threshold(all, ratio);
            for (float[] v : values) {
                keep.add(above(v, threshold));
            }
        } else {
            for (float[] v : values) {
                float[] a = new float[v.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = Math.abs(v[i]);
                }
                keep.add(above(v, threshold(a, ratio)));
            }
        }
        return new Masks(weights, keep);
    }

    /** |w| at the removed share: weights strictly above it stay. */
    private static float threshold(float[] abs, double ratio) {
        float[] sorted = abs.clone();
        Arrays.sort(sorted);
        int k = (int) Math.round(ratio * sorted.length);
        return k == 0 ? -1f : sorted[Math.min(k, sorted.length) - 1];
    }

    private static boolean[] above(float[] v, float threshold) {
        boolean[] k = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            k[i] = Math.abs(v[i]) > threshold;
        }
        return k;
    }

    /** Fixed 0/1 masks over a model's convolution weights. */
    public static final class Masks {
        private final List<Parameter> weights;
        private final List<boolean[]> keep;

        Masks(List<Parameter> weights, List<boolean[]> keep) {
            this.weights = weights;
            this.keep = keep;
        }

        /**
         * Transfers the masks to another model of the same architecture (e.g. a re-initialized copy
         * trained from scratch, or the lottery ticket's original initialization).
         *
         * @param model the model, with convolutions of the same shapes in the same order
         * @return masks over that model's weights
         */
        public Masks on(Block model) {
            List<Parameter> other = convolutionWeights(model);
            if (other.size() != weights.size()) {
                throw new IllegalArgumentException(
                        "the model has "
                                + other.size()
                                + " convolutions but the masks cover "
                                + weights.size());
            }
            for (int i = 0; i < other.size(); i++) {
                if (other.get(i).getArray().size() != keep.get(i).length) {
                    throw new IllegalArgumentException(
                            "convolution " + i + " has another shape than the masked one");
                }
            }
            return new Masks(other, keep);
        }

        /** Zeroes the masked weights. */
        public void apply() {
            for (int i = 0; i < weights.size(); i++) {
                NDArray w = weights.get(i).getArray();
                float[] v = w.toType(DataType.FLOAT32, false).toFloatArray();
                boolean[] k = keep.get(i);
                for (int j = 0; j < v.length; j++) {
                    if (!k[j]) {
                        v[j] = 0f;
                    }
                }
                w.set(v);
            }
        }

        /**
         * Scales each convolution's weights by 1/√density, so that a sparse layer trained from
         * scratch starts with the gradient scale of Kaiming initialization over its remaining
         * fan-out (thesis §3.5.3), then applies the masks.
         */
        public void rescaleInitialization() {
            try (NDScope ignored = new NDScope()) {
                for (int i = 0; i < weights.size(); i++) {
                    double d = density(i);
                    weights.get(i).getArray().muli((float) (1 / Math.sqrt(Math.max(d, 1e-12))));
                }
            }
            apply();
        }

        /**
         * Returns the share of a convolution's weights that stay.
         *
         * @param layer the convolution's position
         * @return the density in [0, 1]
         */
        public double density(int layer) {
            boolean[] k = keep.get(layer);
            int n = 0;
            for (boolean b : k) {
                if (b) {
                    n++;
                }
            }
            return n / (double) k.length;
        }

        /**
         * Returns the share of all masked weights that stay.
         *
         * @return the density
         */
        public double density() {
            long n = 0;
            long total = 0;
            for (boolean[] k : keep) {
                for (boolean b : k) {
                    n += b ? 1 : 0;
                }
                total += k.length;
            }
            return n / (double) total;
        }

        /**
         * Returns the number of weights the masks remove.
         *
         * @return removed weights
         */
        public long removed() {
            long n = 0;
            for (boolean[] k : keep) {
                for (boolean b : k) {
                    n += b ? 0 : 1;
                }
            }
            return n;
        }

        /**
         * A training hook that re-applies the masks after every optimizer step.
         *
         * @return the listener
         */
        public TrainingLoopListener listener() {
            return new TrainingLoopListener() {
                @Override
                public void onStepEnd(long step) {
                    apply();
                }
            };
        }
    }
}
