package io.github.fastvision.models;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

/**
 * Dotted, PyTorch-style names for a block's parameters, e.g. {@code
 * stages_1.0.reduction.conv.weight}: DJL's positional prefixes ("01stem") are dropped and children
 * of sequential containers are named by their index, so the names are stable and map onto official
 * checkpoints through a table.
 */
public final class ParameterNames {

    private ParameterNames() {}

    /**
     * One parameter with its dotted name.
     *
     * @param name the dotted name
     * @param parameter the parameter
     */
    public record Named(String name, Parameter parameter) {}

    /**
     * Lists every parameter below {@code root} in DJL's save order.
     *
     * @param root the block
     * @return named parameters
     */
    public static List<Named> of(Block root) {
        List<Named> out = new ArrayList<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, List<Named> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.add(new Named(prefix + p.getKey(), p.getValue()));
        }
        int index = 0;
        for (Pair<String, Block> child : block.getChildren()) {
            String key = child.getKey();
            String name =
                    block instanceof SequentialBlock ? Integer.toString(index) : stripPosition(key);
            collect(child.getValue(), prefix + name + ".", out);
            index++;
        }
    }

    /**
     * Removes DJL's two-digit position prefix from a child name ({@code 01conv} → {@code conv}); a
     * name without one is returned as it is.
     *
     * @param childKey the child's key in its parent
     * @return the name
     */
    public static String stripPosition(String childKey) {
        return childKey.length() > 2
                        && Character.isDigit(childKey.charAt(0))
                        && Character.isDigit(childKey.charAt(1))
                ? childKey.substring(2)
                : childKey;
    }
}
