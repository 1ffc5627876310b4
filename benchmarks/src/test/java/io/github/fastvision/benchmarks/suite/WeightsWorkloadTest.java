package io.github.fastvision.benchmarks.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.InferenceEngine;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.io.WeightsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A weights file (a pruned model) as a benchmark workload: built at its widths and input size. */
class WeightsWorkloadTest {

    private static final int[] PRUNED = {2, 4, 4, 6};

    private static Path prunedFile(Path dir) throws Exception {
        ModelInfo info = ModelRegistry.info("test_vgg_cifar");
        Path file = Files.createDirectories(dir.resolve("p50")).resolve("test_vgg_cifar.fvw");
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Backbone model = info.create(info.defaultOptions().withWidths(PRUNED));
            model.initialize(m, DataType.FLOAT32, model.inputShape(1));
            WeightsFile.save(model, file);
        }
        return file;
    }

    @Test
    void aWeightsFileIsBuiltAtItsWidthsAndInputSize(@TempDir Path dir) throws Exception {
        String name = Workloads.WEIGHTS + prunedFile(dir);
        Backbone pruned = Workloads.backbone(name);
        assertArrayEquals(PRUNED, pruned.getOptions().widths().orElseThrow());
        assertEquals("test_vgg_cifar@p50", Workloads.displayName(name));
        assertEquals("test_vgg_cifar", Workloads.baseName(Workloads.displayName(name)));
        // CIFAR models run at their own 32x32, not at ImageNet's 224.
        assertArrayEquals(new long[] {3, 32, 32}, Workloads.inputChw(name));
        assertArrayEquals(new long[] {3, 32, 32}, Workloads.inputChw("test_vgg_cifar"));
        assertArrayEquals(new long[] {3, 224, 224}, Workloads.inputChw("fasternet_t0"));
        long full = Workloads.modelMacs("test_vgg_cifar");
        assertEquals(pruned.cost().macs(), Workloads.modelMacs(name));
        assertTrue(Workloads.modelMacs(name) < full / 2, Workloads.modelMacs(name) + " vs " + full);
    }

    @Test
    void theModelsSuiteComparesAPrunedModelWithItsZooModel(@TempDir Path dir) throws Exception {
        String name = Workloads.WEIGHTS + prunedFile(dir);
        BenchReport report =
                Suites.MODELS.run(
                        BenchSettings.builder()
                                .optModels(List.of("test_vgg_cifar", name))
                                .optBatches(List.of(1))
                                .optQuick(true)
                                .optQuickIterationMs(100)
                                .optEngines(List.of(InferenceEngine.values()))
                                .setLog(dir.resolve("jmh.log"))
                                .build());
        List<String> rows =
                report.rows().stream().map(r -> r.name() + "/" + r.variant()).sorted().toList();
        assertEquals(
                List.of(
                        "test_vgg_cifar/null",
                        "test_vgg_cifar/onnxruntime",
                        "test_vgg_cifar@p50/null",
                        "test_vgg_cifar@p50/onnxruntime"),
                rows);
        for (BenchRow r : report.rows()) {
            assertArrayEquals(new long[] {3, 32, 32}, r.input(), r.name());
            assertTrue(r.latencyMs() > 0, r.name());
        }
        long speedUps =
                report.findings().stream()
                        .filter(f -> f.name().startsWith("speed-up test_vgg_cifar@p50 over"))
                        .filter(f -> f.target().contains("0.8 x FLOPs ratio"))
                        .count();
        assertEquals(2, speedUps, "one per engine: " + report.findings());
    }
}
