package io.github.fastvision.pruning.surgery;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.github.fastvision.models.ChannelGroup;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.ParameterNames;
import io.github.fastvision.models.VisionModel;
import io.github.fastvision.pruning.ChannelSelection;
import io.github.fastvision.pruning.PrunableModels;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds a pruned model physically smaller: the same zoo variant at the selection's widths
 * ({@link io.github.fastvision.models.ModelOptions#withWidths}), with the kept filters, input
 * channels and BN statistics of the original copied in (thesis §3.4.1, the "pruned model" of the
 * three-stage pipeline). The result saves and loads like any zoo model: its widths go into the
 * weights file.
 */
public final class Surgery {

    private Surgery() {}

    /**
     * Builds the pruned model and copies the kept weights.
     *
     * @param model the trained model (initialized)
     * @param selection what each group keeps
     * @param manager the manager for the new model's arrays
     * @return the smaller model, initialized
     */
    public static VisionModel apply(
            VisionModel model, ChannelSelection selection, NDManager manager) {
        List<ChannelGroup> groups = PrunableModels.groups(model, "surgery");
        if (groups.size() != selection.size()) {
            throw new IllegalArgumentException(
                    "the selection has "
                            + selection.size()
                            + " groups but "
                            + model.getName()
                            + " has "
                            + groups.size());
        }
        VisionModel pruned =
                ModelRegistry.create(
                        model.getName(), model.getOptions().withWidths(selection.widths()));
        pruned.initialize(manager, DataType.FLOAT32, pruned.inputShape(1));
        // Which kept indices apply to which axis of which parameter of the original.
        Map<Parameter, int[][]> slices = new IdentityHashMap<>();
        for (int i = 0; i < groups.size(); i++) {
            int[] kept = selection.kept(i);
            for (ChannelGroup.Member m : groups.get(i).members()) {
                slices.computeIfAbsent(m.parameter(), p -> new int[2][])[m.axis()] = kept;
            }
        }
        List<ParameterNames.Named> from = ParameterNames.of(model);
        List<ParameterNames.Named> to = ParameterNames.of(pruned);
        Map<String, Parameter> byName = new HashMap<>();
        for (ParameterNames.Named n : from) {
            byName.put(n.name(), n.parameter());
        }
        for (ParameterNames.Named n : to) {
            Parameter src = byName.get(n.name());
            if (src == null) {
                throw new IllegalStateException("no parameter " + n.name() + " in the original");
            }
            NDArray target = n.parameter().getArray();
            int[][] axes = slices.getOrDefault(src, new int[2][]);
            float[] values = slice(src.getArray(), axes[0], axes[1]);
            Shape want = target.getShape();
            if (values.length != want.size()) {
                throw new IllegalStateException(
                        n.name() + ": sliced " + values.length + " values for shape " + want);
            }
            target.set(values);
        }
        return pruned;
    }

    /**
     * Keeps the given indices along axes 0 and 1 (null: all) of an array, row-major.
     *
     * @param array the source
     * @param rows indices along axis 0, or null
     * @param cols indices along axis 1, or null
     * @return the kept values
     */
    static float[] slice(NDArray array, int[] rows, int[] cols) {
        float[] v = array.toType(DataType.FLOAT32, false).toFloatArray();
        Shape s = array.getShape();
        int d0 = (int) s.get(0);
        int d1 = s.dimension() > 1 ? (int) s.get(1) : 1;
        int inner = s.dimension() > 2 ? (int) (s.size() / ((long) d0 * d1)) : 1;
        int[] r = rows == null ? ChannelSelection.range(d0) : rows;
        int[] c = cols == null || s.dimension() < 2 ? ChannelSelection.range(d1) : cols;
        float[] out = new float[r.length * c.length * inner];
        int at = 0;
        for (int i : r) {
            for (int j : c) {
                System.arraycopy(v, (i * d1 + j) * inner, out, at, inner);
                at += inner;
            }
        }
        return out;
    }
}
