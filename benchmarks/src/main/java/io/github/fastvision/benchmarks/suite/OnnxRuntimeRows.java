package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.models.OnnxRuntimeBenchmark;
import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.models.runtime.RuntimeRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;

/**
 * Models on ONNX Runtime, one JMH run per model: a model whose export fails its full-size check
 * against fastvision's output (or that ONNX Runtime refuses) gets a finding instead of a row, and
 * the other models are still measured.
 */
final class OnnxRuntimeRows implements EngineRows {

    /** The variant of rows measured on ONNX Runtime from fastvision's own export. */
    static final String ONNX_RUNTIME = "onnxruntime";

    /** The variant of rows measured on ONNX Runtime from an externally exported file. */
    static final String PEER = "onnxruntime peer";

    private final Path peerDir;

    private OnnxRuntimeRows(Path peerDir) {
        this.peerDir = peerDir;
    }

    /**
     * fastvision's own exports of the zoo models (DJL's baselines have none), at the run's batches.
     *
     * @return the rows' source
     */
    static OnnxRuntimeRows exports() {
        return new OnnxRuntimeRows(null);
    }

    /**
     * Every {@code .onnx} file of a directory at batch 1 (external files may fix their batch at 1),
     * whatever models the run names.
     *
     * @param dir the directory
     * @return the rows' source
     */
    static OnnxRuntimeRows peers(Path dir) {
        return new OnnxRuntimeRows(dir);
    }

    @Override
    public List<BenchRow> measure(
            BenchSettings s, List<String> models, List<BenchReport.Finding> refused) {
        if (peerDir == null) {
            List<String> zoo = models.stream().filter(m -> !m.startsWith("djl_")).toList();
            return measure(s, zoo, s.batches(), ONNX_RUNTIME, refused);
        }
        List<String> files = new ArrayList<>();
        try (var list = Files.list(peerDir)) {
            list.filter(f -> f.getFileName().toString().endsWith(".onnx"))
                    .sorted()
                    .forEach(f -> files.add(OnnxRuntimeBenchmark.FILE + f.toAbsolutePath()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + peerDir, e);
        }
        return measure(s, files, List.of(1), PEER, refused);
    }

    /**
     * Measures models on ONNX Runtime, one JMH run per model.
     *
     * @param s settings
     * @param models zoo names, weights files or peer files
     * @param batches the batch sizes
     * @param variant the rows' variant (" int8" is appended for a weights file with an int8 model)
     * @param refused where a model whose run fails is recorded
     * @return the rows
     */
    static List<BenchRow> measure(
            BenchSettings s,
            List<String> models,
            List<Integer> batches,
            String variant,
            List<BenchReport.Finding> refused) {
        List<BenchRow> rows = new ArrayList<>();
        for (String model : models) {
            var b =
                    Jmh.options(s, OnnxRuntimeBenchmark.class)
                            .param("model", model)
                            .param("batch", Jmh.strings(batches));
            Collection<RunResult> results;
            try {
                results = Jmh.run(b);
            } catch (IllegalStateException e) {
                refused.add(
                        new BenchReport.Finding(
                                "ONNX Runtime row of "
                                        + displayName(model)
                                        + " refused: export check or run failed, see "
                                        + s.log(),
                                Double.NaN,
                                "export within 1e-4 of fastvision's output",
                                false));
                continue;
            }
            for (RunResult r : results) {
                BenchmarkParams p = r.getParams();
                String param = p.getParam("model");
                String name = displayName(param);
                boolean peer = param.startsWith(OnnxRuntimeBenchmark.FILE);
                long macs = peer ? knownMacs(name) : Workloads.modelMacs(param);
                boolean int8 =
                        !peer
                                && Workloads.weightsFile(param)
                                        .map(
                                                f ->
                                                        Files.isRegularFile(
                                                                RuntimeRequest.int8Model(f, false)))
                                        .orElse(false);
                rows.add(
                        BenchRow.of(
                                name,
                                int8 ? variant + " int8" : variant,
                                peer ? new long[] {3, 224, 224} : Workloads.inputChw(param),
                                Integer.parseInt(p.getParam("batch")),
                                r.getPrimaryResult().getScore(),
                                macs));
            }
        }
        return rows;
    }

    /**
     * A zoo name as is; a weights file as {@link Workloads#displayName}; a peer file by its name
     * without {@code .onnx}.
     */
    private static String displayName(String model) {
        if (!model.startsWith(OnnxRuntimeBenchmark.FILE)) {
            return Workloads.displayName(model);
        }
        return Path.of(model.substring(OnnxRuntimeBenchmark.FILE.length()))
                .getFileName()
                .toString()
                .replaceFirst("\\.onnx$", "");
    }

    /** Multiply-adds of a peer file named after a zoo model or DJL baseline, else 0 (unknown). */
    private static long knownMacs(String name) {
        try {
            return Workloads.modelMacs(name);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }
}
