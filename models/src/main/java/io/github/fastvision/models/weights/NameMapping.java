package io.github.fastvision.models.weights;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps checkpoint keys onto fastvision's dotted parameter names with ordered rules; the first rule
 * whose pattern matches the whole key and whose target is not null wins. Leaf names of batch norms
 * (weight, bias, running_mean, running_var) are translated by the importer, so rules only need to
 * place modules. A source whose layout changed between releases adds the other layout with {@link
 * #layout}; {@link #forKeys} picks the one a checkpoint uses.
 */
public final class NameMapping {

    private record Rule(Pattern pattern, Function<Matcher, String> target) {}

    private record Layout(Predicate<Collection<String>> detects, NameMapping names) {}

    private final String description;
    private final List<Rule> rules = new ArrayList<>();
    private final List<Layout> layouts = new ArrayList<>();

    /**
     * Creates an empty mapping.
     *
     * @param description e.g. "FasterNet (official)"
     */
    public NameMapping(String description) {
        this.description = description;
    }

    /**
     * Adds a rule with a replacement template ($1, $2 … refer to groups).
     *
     * @param regex pattern over the whole key
     * @param replacement the target name
     * @return this
     */
    public NameMapping rule(String regex, String replacement) {
        rules.add(new Rule(Pattern.compile(regex), m -> m.replaceFirst(replacement)));
        return this;
    }

    /**
     * Adds a rule whose target is computed (for index arithmetic).
     *
     * @param regex pattern over the whole key
     * @param target builds the target name from the match, or null to leave the key to later rules
     * @return this
     */
    public NameMapping rule(String regex, Function<Matcher, String> target) {
        rules.add(new Rule(Pattern.compile(regex), target));
        return this;
    }

    /**
     * Adds another layout of the same source, used instead of this table for a checkpoint whose
     * keys it detects.
     *
     * @param detects true for the keys of a checkpoint in that layout
     * @param names the table for that layout
     * @return this
     */
    public NameMapping layout(Predicate<Collection<String>> detects, NameMapping names) {
        layouts.add(new Layout(detects, names));
        return this;
    }

    /**
     * Returns the table for a checkpoint: the first added layout that detects its keys, else this
     * one.
     *
     * @param keys the checkpoint's keys
     * @return the table to map them with
     */
    public NameMapping forKeys(Collection<String> keys) {
        for (Layout l : layouts) {
            if (l.detects().test(keys)) {
                return l.names().forKeys(keys);
            }
        }
        return this;
    }

    /**
     * Maps a key.
     *
     * @param key the checkpoint key
     * @return the fastvision name, or null when no rule matches
     */
    public String map(String key) {
        for (Rule r : rules) {
            Matcher m = r.pattern().matcher(key);
            if (m.matches()) {
                String target = r.target().apply(m);
                if (target != null) {
                    return target;
                }
            }
        }
        return null;
    }

    /**
     * Returns what this mapping is for.
     *
     * @return the description
     */
    public String description() {
        return description;
    }

    /**
     * Integer value of a group.
     *
     * @param m the match
     * @param group group number
     * @return the integer
     */
    public static int num(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    /**
     * The position of block K of stage S in a model whose stages after the first start with a
     * downsampling child (child 0), as FasterNet's and ConvNeXt's do.
     *
     * @param stage S, from 0
     * @param block K, from 0
     * @return the child index inside the stage
     */
    public static int afterDownsample(int stage, int block) {
        return stage > 0 ? block + 1 : block;
    }
}
