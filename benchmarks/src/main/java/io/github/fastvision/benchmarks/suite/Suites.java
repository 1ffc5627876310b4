package io.github.fastvision.benchmarks.suite;

import java.util.List;
import java.util.Locale;

/** The benchmark suites, by name. */
public final class Suites {

    /** fasternet Table 1: ten-layer operator stacks. */
    public static final BenchSuite OPS = new OpsSuite();

    /** fasternet Table 9: PConv's two execution modes. */
    public static final BenchSuite PCONV = new PConvSuite();

    /** Zoo models against DJL's baselines, on each engine. */
    public static final BenchSuite MODELS = new ModelsSuite();

    /** pflayer Tables 2–4 and 6. */
    public static final BenchSuite PFLAYER = new PfLayerSuite();

    private static final List<BenchSuite> ALL = List.of(OPS, PCONV, MODELS, PFLAYER);

    private Suites() {}

    /**
     * Lists the suites.
     *
     * @return ops, pconv, models and pflayer
     */
    public static List<BenchSuite> all() {
        return ALL;
    }

    /**
     * Finds a suite by name.
     *
     * @param name ops, pconv, models or pflayer (any case)
     * @return the suite
     * @throws IllegalArgumentException naming the expected names
     */
    public static BenchSuite parse(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return ALL.stream()
                .filter(s -> s.name().equals(n))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "unknown suite '"
                                                + name
                                                + "'; expected ops, pconv, models or pflayer"));
    }
}
