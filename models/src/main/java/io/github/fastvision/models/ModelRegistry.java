package io.github.fastvision.models;

import io.github.fastvision.models.convnext.ConvNeXtFamily;
import io.github.fastvision.models.fasternet.FasterNetFamily;
import io.github.fastvision.models.hrnet.HRNetFamily;
import io.github.fastvision.models.resnet.ResNetFamily;
import io.github.fastvision.models.rexnet.ReXNetFamily;
import io.github.fastvision.models.vit.VitFamily;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every zoo model by name, filled from the families' variant tables. Names are lower case with
 * underscores; dashes and upper case are accepted. Glob patterns ({@code convnext*}) select
 * models.
 */
public final class ModelRegistry {

    private static final Map<String, ModelInfo> MODELS = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        for (ModelFamily family :
                List.of(
                        new FasterNetFamily(),
                        new ConvNeXtFamily(),
                        new ReXNetFamily(),
                        new ResNetFamily(),
                        new VitFamily(),
                        new HRNetFamily())) {
            for (ModelInfo info : family.models()) {
                if (MODELS.put(info.name(), info) != null) {
                    throw new IllegalStateException("duplicate model name " + info.name());
                }
            }
        }
        ALIASES.put("convnext_t", "convnext_tiny");
        ALIASES.put("convnext_s", "convnext_small");
        ALIASES.put("convnext_b", "convnext_base");
        ALIASES.put("convnext_l", "convnext_large");
        ALIASES.put("convnext_xl", "convnext_xlarge");
        ALIASES.put("rexnet_1_0", "rexnet_100");
        ALIASES.put("rexnetv1_1.0", "rexnet_100");
        ALIASES.put("wrn50_2", "wide_resnet50_2");
        ALIASES.put("wrn101_2", "wide_resnet101_2");
        ALIASES.put("seresnet50", "resnet50_se");
        ALIASES.put("vit_small_patch16_224", "vit_small");
        ALIASES.put("pit_s", "pit_small");
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
     * Lists every entry, test variants included.
     *
     * @return all entries
     */
    public static List<ModelInfo> all() {
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
                    "unknown model '" + name + "'; close matches: " + String.join(", ", closeMatches(name))
                            + " (list all with `fastvision zoo`)");
        }
        return info;
    }

    /**
     * Builds a model by name.
     *
     * @param name the name
     * @param options the options
     * @return an uninitialized model
     */
    public static VisionModel create(String name, ModelOptions options) {
        return info(name).create(options);
    }

    /**
     * Builds a model by name with ImageNet defaults.
     *
     * @param name the name
     * @return an uninitialized model
     */
    public static VisionModel create(String name) {
        return create(name, ModelOptions.IMAGENET);
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
