package io.github.fastvision.examples.cli;

import io.github.fastvision.core.cost.Cost;
import io.github.fastvision.models.Backbone;
import io.github.fastvision.models.ModelInfo;
import io.github.fastvision.models.ModelRegistry;
import io.github.fastvision.models.PaperReference;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Lists zoo models with parameters and FLOPs counted from shapes (no weights allocated). */
@Command(
        name = "zoo",
        mixinStandardHelpOptions = true,
        description =
                "List zoo models with params and FLOPs (multiply-adds at 224x224, 1000 classes).")
public final class ZooCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            description = "Glob over model names, e.g. 'convnext*'.")
    private String pattern;

    @Mixin private JsonOption json;

    @Option(names = "--markdown", description = "Print the zoo table in docs/zoo.md (Markdown).")
    private boolean markdown;

    /** The paper's printed numbers. */
    record Paper(String paramsM, String gflops, String source, String deviation) {}

    /** One model. */
    record Row(
            String name,
            String family,
            long params,
            long flops,
            long[] input,
            Paper paper,
            String note) {}

    /** The JSON document. */
    record Report(List<Row> models) {}

    /**
     * Counts the selected models.
     *
     * @param pattern a glob or null
     * @return one row per model
     */
    static List<Row> rows(String pattern) {
        List<Row> rows = new ArrayList<>();
        for (ModelInfo info : ModelRegistry.list(pattern)) {
            Backbone model = info.create();
            Cost cost = model.cost();
            PaperReference ref = info.reference();
            Paper paper =
                    ref == null
                            ? null
                            : new Paper(
                                    ref.params() == null ? null : ref.params().toPlainString(),
                                    ref.gflops() == null ? null : ref.gflops().toPlainString(),
                                    ref.source(),
                                    ref.deviation());
            long[] in = model.inputShape(1).slice(1).getShape();
            rows.add(
                    new Row(
                            info.name(),
                            info.family().displayName(),
                            cost.params(),
                            cost.macs(),
                            in,
                            paper,
                            info.note()));
        }
        return rows;
    }

    /**
     * Renders the zoo table in docs/zoo.md.
     *
     * @param rows the models
     * @return Markdown
     */
    static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| model | family | params (M) | GFLOPs | paper params / GFLOPs | source | note |\n");
        sb.append("|---|---|---:|---:|---|---|---|\n");
        for (Row r : rows) {
            String paper =
                    r.paper() == null
                            ? "–"
                            : dash(r.paper().paramsM()) + " / " + dash(r.paper().gflops());
            String source = r.paper() == null ? "" : r.paper().source();
            String note =
                    r.paper() != null && r.paper().deviation() != null
                            ? r.paper().deviation()
                            : r.note();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %s | %.2f | %.2f | %s | %s | %s |%n",
                            r.name(),
                            r.family(),
                            r.params() / 1e6,
                            r.flops() / 1e9,
                            paper,
                            source,
                            note));
        }
        return sb.toString();
    }

    private static String dash(String s) {
        return s == null ? "–" : s;
    }

    @Override
    public Integer call() {
        List<Row> rows = rows(pattern);
        PrintWriter out = spec.commandLine().getOut();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(
                    "no model matches '"
                            + pattern
                            + "'; close matches: "
                            + String.join(", ", ModelRegistry.closeMatches(pattern)));
        }
        if (json.enabled()) {
            JsonOutput.print(out, new Report(rows));
        } else if (markdown) {
            out.print(markdown(rows));
            out.flush();
        } else {
            TextTable t =
                    new TextTable("model:", "family:", "params (M)", "GFLOPs", "input:", "paper:");
            for (Row r : rows) {
                String paper =
                        r.paper() == null
                                ? ""
                                : dash(r.paper().paramsM())
                                        + "M / "
                                        + dash(r.paper().gflops())
                                        + "G";
                t.add(
                        r.name(),
                        r.family(),
                        String.format(Locale.ROOT, "%.2f", r.params() / 1e6),
                        String.format(Locale.ROOT, "%.2f", r.flops() / 1e9),
                        r.input()[0] + "x" + r.input()[1] + "x" + r.input()[2],
                        paper);
            }
            t.print(out);
        }
        return 0;
    }
}
