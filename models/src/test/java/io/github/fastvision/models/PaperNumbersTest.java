package io.github.fastvision.models;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.fastvision.core.cost.Cost;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every full-size model, counted from shapes alone at 224×224 and 1000 classes, is within 1% (or
 * the paper's printed rounding) of the paper's parameters and within 3% of its FLOPs.
 */
class PaperNumbersTest {

    static Stream<ModelInfo> referenced() {
        return ModelRegistry.list("*").stream().filter(m -> m.reference() != null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenced")
    void countsMatchThePaper(ModelInfo info) {
        Backbone model = info.create();
        Cost cost = model.cost();
        assertFalse(model.isInitialized(), "counting must not allocate weights");
        PaperReference ref = info.reference();
        double params = cost.params() / 1e6;
        double gflops = cost.macs() / 1e9;
        if (ref.deviation() != null) {
            // A documented deviation must be real (outside the strict tolerance) and still small.
            boolean strictParams =
                    Math.abs(params - ref.params().doubleValue()) <= ref.paramsToleranceM();
            assertFalse(
                    strictParams,
                    info.name() + " matches the paper: remove its stale deviation note");
            assertTrue(
                    Math.abs(params / ref.params().doubleValue() - 1) < 0.03,
                    info.name() + ": " + params);
            assertTrue(
                    Math.abs(gflops - ref.gflops().doubleValue()) <= ref.flopsToleranceG(),
                    info.name() + ": " + gflops);
            return;
        }
        if (ref.params() != null) {
            assertTrue(
                    Math.abs(params - ref.params().doubleValue()) <= ref.paramsToleranceM(),
                    info.name()
                            + ": "
                            + params
                            + "M params vs the paper's "
                            + ref.params()
                            + "M ("
                            + ref.source()
                            + ")");
        }
        if (ref.gflops() != null) {
            assertTrue(
                    Math.abs(gflops - ref.gflops().doubleValue()) <= ref.flopsToleranceG(),
                    info.name()
                            + ": "
                            + gflops
                            + " GFLOPs vs the paper's "
                            + ref.gflops()
                            + " ("
                            + ref.source()
                            + ")");
        }
    }
}
