package io.github.fastvision.models.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.ParameterNames;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.models.weights.Checkpoint;
import io.github.fastvision.models.weights.NameMapping;
import io.github.fastvision.models.weights.Source;
import io.github.fastvision.models.weights.TensorData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads an official PyTorch checkpoint into a zoo model through a {@link NameMapping}. Every key is
 * mapped and every shape checked first; missing, unexpected and mismatched keys are reported
 * together in one error, and the model changes only when everything fits.
 */
public final class WeightImporter {

    private static final Map<String, String> BN_LEAVES =
            Map.of(
                    "weight",
                    "gamma",
                    "bias",
                    "beta",
                    "running_mean",
                    "runningMean",
                    "running_var",
                    "runningVar");

    /**
     * Import options.
     *
     * @param strict fail on missing or unexpected keys (shape mismatches always fail)
     * @param reinitHead keep the model's freshly initialized classifier when the checkpoint's has
     *     another number of classes (fine-tuning)
     */
    public record Options(boolean strict, boolean reinitHead) {
        /** Strict, no head re-initialization. */
        public static final Options STRICT = new Options(true, false);
    }

    /**
     * What an import did.
     *
     * @param mapping the name table used
     * @param loaded parameters written
     * @param missing model parameters the checkpoint lacks (non-strict only)
     * @param unexpected checkpoint keys nothing maps to (non-strict only)
     * @param reinitialized classifier parameters kept at their initialization
     * @param checkpointBytes size of the tensors read
     */
    public record Report(
            String mapping,
            int loaded,
            List<String> missing,
            List<String> unexpected,
            List<String> reinitialized,
            long checkpointBytes) {}

    private record Assignment(Parameter target, TensorData source, String name) {}

    private WeightImporter() {}

    /**
     * Imports a checkpoint into a model (initializing the model at its input size if needed).
     *
     * @param model the zoo model
     * @param manager manager for the model's arrays when it is not initialized yet
     * @param checkpoint the tensors
     * @param source the checkpoint's naming
     * @param options strictness and head handling
     * @return what was loaded
     * @throws IllegalArgumentException listing every missing, unexpected and mismatched key
     */
    public static Report load(
            VisionModel model,
            NDManager manager,
            Checkpoint checkpoint,
            Source source,
            Options options) {
        NameMapping mapping =
                ModelRegistry.info(model.getName())
                        .checkpointNames(source)
                        .forKeys(checkpoint.tensors().keySet());
        if (!model.isInitialized()) {
            model.initialize(manager, DataType.FLOAT32, model.inputShape(1));
        }
        Map<String, Parameter> targets = new LinkedHashMap<>();
        for (ParameterNames.Named p : ParameterNames.of(model)) {
            targets.put(p.name(), p.parameter());
        }
        List<Assignment> assignments = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        List<String> reinitialized = new ArrayList<>();
        Map<String, String> filledBy = new LinkedHashMap<>();
        long bytes = 0;
        for (Map.Entry<String, TensorData> e : checkpoint.tensors().entrySet()) {
            String key = e.getKey();
            TensorData t = e.getValue();
            bytes += t.data().remaining();
            if (key.endsWith("num_batches_tracked")) {
                continue;
            }
            String name = resolve(mapping.map(key), targets);
            if (name == null) {
                unexpected.add(key);
                continue;
            }
            if (filledBy.containsKey(name)) {
                mismatched.add(key + " and " + filledBy.get(name) + " both map to " + name);
                continue;
            }
            filledBy.put(name, key);
            Shape want = targets.get(name).getArray().getShape();
            if (!fits(want, t.shape())) {
                if (options.reinitHead() && name.startsWith("head.fc.")) {
                    reinitialized.add(name);
                } else {
                    mismatched.add(
                            key + " " + Arrays.toString(t.shape()) + " → " + name + " " + want);
                }
                continue;
            }
            assignments.add(new Assignment(targets.get(name), t, name));
        }
        List<String> missing = new ArrayList<>();
        for (String name : targets.keySet()) {
            if (!filledBy.containsKey(name)) {
                missing.add(name);
            }
        }
        boolean fail =
                !mismatched.isEmpty()
                        || (options.strict() && (!missing.isEmpty() || !unexpected.isEmpty()));
        if (fail) {
            StringBuilder sb =
                    new StringBuilder(
                            "checkpoint does not fit "
                                    + model.getName()
                                    + " ("
                                    + mapping.description()
                                    + ")");
            append(sb, "shape mismatches", mismatched);
            if (options.strict()) {
                append(sb, "missing in the checkpoint", missing);
                append(sb, "unexpected in the checkpoint", unexpected);
            }
            sb.append("; nothing was changed");
            throw new IllegalArgumentException(sb.toString());
        }
        for (Assignment a : assignments) {
            NDArray target = a.target().getArray();
            float[] values = a.source().toFloats();
            target.set(values);
        }
        return new Report(
                mapping.description(),
                assignments.size(),
                missing,
                unexpected,
                reinitialized,
                bytes);
    }

    /** Finds the target parameter, translating batch-norm leaf names when needed. */
    private static String resolve(String mapped, Map<String, Parameter> targets) {
        if (mapped == null) {
            return null;
        }
        if (targets.containsKey(mapped)) {
            return mapped;
        }
        int dot = mapped.lastIndexOf('.');
        String leaf = BN_LEAVES.get(mapped.substring(dot + 1));
        if (leaf != null) {
            String bn = mapped.substring(0, dot + 1) + leaf;
            if (targets.containsKey(bn)) {
                return bn;
            }
        }
        return null;
    }

    /**
     * Equal shapes, or equal after dropping size-1 axes (linear stored as 1×1 conv, (d,1,1)
     * scales).
     */
    private static boolean fits(Shape want, long[] got) {
        if (Arrays.equals(want.getShape(), got)) {
            return true;
        }
        return Arrays.equals(squeeze(want.getShape()), squeeze(got));
    }

    private static long[] squeeze(long[] s) {
        return Arrays.stream(s).filter(d -> d != 1).toArray();
    }

    private static void append(StringBuilder sb, String title, List<String> items) {
        if (!items.isEmpty()) {
            sb.append("; ").append(items.size()).append(' ').append(title).append(": ");
            sb.append(String.join(", ", items.subList(0, Math.min(items.size(), 40))));
            if (items.size() > 40) {
                sb.append(", … (").append(items.size() - 40).append(" more)");
            }
        }
    }
}
