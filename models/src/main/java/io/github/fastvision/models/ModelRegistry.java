package io.github.fastvision.models;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every zoo model by name, filled from the families that {@link ServiceLoader} finds in {@code
 * META-INF/services/io.github.fastvision.models.ModelFamily} (see {@link ModelFamily} for the
 * contract). Names are lower case with underscores; dashes and upper case are accepted. Glob
 * patterns ({@code convnext*}) select models.
 */
public final class ModelRegistry {

    private static final List<ModelFamily> FAMILIES = new ArrayList<>();
    private static final Map<String, ModelInfo> MODELS = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        for (ModelFamily family :
                ServiceLoader.load(ModelFamily.class, ModelRegistry.class.getClassLoader())) {
            FAMILIES.add(family);
            for (ModelInfo info : family.models()) {
                if (info.family() != family) {
                    throw new IllegalStateException(
                            family.displayName()
                                    + " registers "
                                    + info.name()
                                    + " under another family");
                }
                if (MODELS.put(info.name(), info) != null) {
                    throw new IllegalStateException("duplicate model name " + info.name());
                }
            }
        }
        for (ModelFamily family : FAMILIES) {
            for (Map.Entry<String, String> alias : family.aliases().entrySet()) {
                if (!MODELS.containsKey(alias.getValue())
                        || MODELS.containsKey(alias.getKey())
                        || ALIASES.put(alias.getKey(), alias.getValue()) != null) {
                    throw new IllegalStateException(
                            family.displayName()
                                    + " alias "
                                    + alias.getKey()
                                    + " -> "
                                    + alias.getValue()
                                    + " names no model or is taken");
                }
            }
        }
    }

    private ModelRegistry() {}

    private static String normalize(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return ALIASES.getOrDefault(n, n);
    }

    /**
     * Lists models whose names match a glob pattern ({@code *} and {@code ?}); null or empty
     * matches everything. Tiny test variants are listed only when the pattern names them.
     *
     * @param pattern a glob such as "fasternet*"
     * @return the matching entries, in registry order
     */
    public static List<ModelInfo> list(String pattern) {
        String glob = pattern == null || pattern.isBlank() ? "*" : normalize(pattern);
        Pattern regex = Pattern.compile(globToRegex(glob));
        boolean wantTests = glob.startsWith("test_");
        return MODELS.values().stream()
                .filter(m -> regex.matcher(m.name()).matches())
                .filter(m -> wantTests || !m.isTestVariant())
                .collect(Collectors.toList());
    }

    /**
     * Lists every real model, without the tiny test variants ({@code test_*}).
     *
     * @return the real models, in registry order
     */
    public static List<ModelInfo> all() {
        return MODELS.values().stream()
                .filter(m -> !m.isTestVariant())
                .collect(Collectors.toList());
    }

    /**
     * Lists every entry, the tiny test variants included, for tests that exercise the zoo through
     * them and for lookups that must resolve them.
     *
     * @return all entries, in registry order
     */
    public static List<ModelInfo> allWithTestVariants() {
        return new ArrayList<>(MODELS.values());
    }

    /**
     * Looks a model up by name or alias.
     *
     * @param name the name
     * @return the entry
     * @throws IllegalArgumentException naming close matches when the name is unknown
     */
    public static ModelInfo info(String name) {
        ModelInfo info = MODELS.get(normalize(name));
        if (info == null) {
            throw new IllegalArgumentException(
                    "unknown model '"
                            + name
                            + "'; close matches: "
                            + String.join(", ", closeMatches(name))
                            + " (list all with `fastvision zoo`)");
        }
        return info;
    }

    /**
     * Lists the discovered families, in service-file order.
     *
     * @return the families
     */
    public static List<ModelFamily> families() {
        return List.copyOf(FAMILIES);
    }

    /**
     * Builds a classifier by name.
     *
     * @param name the name
     * @param options the options
     * @return an uninitialized model
     * @throws IllegalArgumentException when the name is unknown or not a classifier (see {@link
     *     #model} and {@link #segmentation})
     */
    public static VisionModel create(String name, ModelOptions options) {
        return info(name).classifier(options);
    }

    /**
     * Builds a classifier by name with ImageNet defaults.
     *
     * @param name the name
     * @return an uninitialized model
     */
    public static VisionModel create(String name) {
        return create(name, ModelOptions.IMAGENET);
    }

    /**
     * Builds any zoo model by name, whatever it predicts.
     *
     * @param name the name
     * @param options the options
     * @return an uninitialized model
     */
    public static Backbone model(String name, ModelOptions options) {
        return info(name).create(options);
    }

    /**
     * Builds any zoo model by name with ImageNet defaults.
     *
     * @param name the name
     * @return an uninitialized model
     */
    public static Backbone model(String name) {
        return model(name, ModelOptions.IMAGENET);
    }

    /**
     * Builds a segmentation model by name.
     *
     * @param name the name
     * @param options the options (at least one class)
     * @return an uninitialized model
     */
    public static SegmentationModel segmentation(String name, ModelOptions options) {
        return info(name).segmentation(options);
    }

    /**
     * The registered names closest to {@code name} by edit distance.
     *
     * @param name a possibly misspelled name
     * @return up to five names
     */
    public static List<String> closeMatches(String name) {
        String n = normalize(name);
        return MODELS.keySet().stream()
                .filter(k -> !k.startsWith("test_"))
                .sorted(Comparator.comparingInt((String k) -> distance(n, k)).thenComparing(k -> k))
                .limit(5)
                .collect(Collectors.toList());
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            if (ch == '*') {
                sb.append(".*");
            } else if (ch == '?') {
                sb.append('.');
            } else {
                sb.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return sb.toString();
    }
}
