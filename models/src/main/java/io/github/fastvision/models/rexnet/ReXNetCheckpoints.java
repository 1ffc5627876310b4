package io.github.fastvision.models.rexnet;

import io.github.fastvision.models.weights.NameMapping;

/** ReXNet checkpoint name tables: the authors' repository (ReXNet and ReXNet-lite) and timm. */
public final class ReXNetCheckpoints {

    private ReXNetCheckpoints() {}

    /** Stage and position of ReXNet block b (stages start at the stride-2 blocks 1, 3, 5, 11). */
    private static String block(int b) {
        int[] starts = {0, 1, 3, 5, 11};
        int s = 0;
        while (s + 1 < starts.length && b >= starts[s + 1]) {
            s++;
        }
        return "stages_" + s + "." + (b - starts[s]);
    }

    private static NameMapping features(String description, boolean lite) {
        return new NameMapping(description)
                .rule("features\\.0\\.(\\w+)", "stem.conv.$1")
                .rule("features\\.1\\.(\\w+)", "stem.bn.$1")
                .rule("features\\.19\\.(\\w+)", "head.conv_head.conv.$1")
                .rule("features\\.20\\.(\\w+)", "head.conv_head.bn.$1")
                .rule(
                        "features\\.(\\d+)\\.out\\.(\\d+)\\.(.*)",
                        m -> {
                            int b = NameMapping.num(m, 1) - 3;
                            int k = NameMapping.num(m, 2);
                            boolean expand = b > 0;
                            boolean se = !lite && b >= 3;
                            // Module order inside `out`: [exp conv, bn, act], dw conv, bn, [act],
                            // [se], relu6, pwl conv, bn.
                            String[] layout;
                            if (!expand) {
                                layout =
                                        new String[] {
                                            "conv_dw.conv",
                                            "conv_dw.bn",
                                            null,
                                            "conv_pwl.conv",
                                            "conv_pwl.bn"
                                        };
                            } else if (lite) {
                                layout =
                                        new String[] {
                                            "conv_exp.conv",
                                            "conv_exp.bn",
                                            null,
                                            "conv_dw.conv",
                                            "conv_dw.bn",
                                            null,
                                            "conv_pwl.conv",
                                            "conv_pwl.bn"
                                        };
                            } else if (!se) {
                                layout =
                                        new String[] {
                                            "conv_exp.conv",
                                            "conv_exp.bn",
                                            null,
                                            "conv_dw.conv",
                                            "conv_dw.bn",
                                            null,
                                            "conv_pwl.conv",
                                            "conv_pwl.bn"
                                        };
                            } else {
                                layout =
                                        new String[] {
                                            "conv_exp.conv",
                                            "conv_exp.bn",
                                            null,
                                            "conv_dw.conv",
                                            "conv_dw.bn",
                                            "se",
                                            null,
                                            "conv_pwl.conv",
                                            "conv_pwl.bn"
                                        };
                            }
                            if (k >= layout.length || layout[k] == null) {
                                return null;
                            }
                            String rest = m.group(3);
                            if ("se".equals(layout[k])) {
                                rest =
                                        rest.replaceFirst("^fc\\.0\\.", "fc1.")
                                                .replaceFirst("^fc\\.1\\.", "bn.")
                                                .replaceFirst("^fc\\.3\\.", "fc2.");
                            }
                            return block(b) + "." + layout[k] + "." + rest;
                        });
    }

    static NameMapping official() {
        return features("ReXNet (official)", false).rule("output\\.1\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping liteOfficial() {
        return features("ReXNet-lite (official)", true)
                .rule("output\\.0\\.(\\w+)", "head.fc_head.0.$1")
                .rule("output\\.1\\.(\\w+)", "head.fc_head.1.$1")
                .rule("output\\.4\\.(\\w+)", "head.fc.$1");
    }

    static NameMapping timm() {
        return new NameMapping("ReXNet (timm)")
                .rule("stem\\.(conv|bn)\\.(\\w+)", "stem.$1.$2")
                .rule("features\\.16\\.(conv|bn)\\.(\\w+)", "head.conv_head.$1.$2")
                .rule(
                        "features\\.(\\d+)\\.(conv_exp|conv_dw|conv_pwl)\\.(conv|bn)\\.(\\w+)",
                        m ->
                                block(NameMapping.num(m, 1))
                                        + "."
                                        + m.group(2)
                                        + "."
                                        + m.group(3)
                                        + "."
                                        + m.group(4))
                .rule(
                        "features\\.(\\d+)\\.se\\.(fc1|bn|fc2)\\.(\\w+)",
                        m -> block(NameMapping.num(m, 1)) + ".se." + m.group(2) + "." + m.group(3))
                .rule("head\\.fc\\.(\\w+)", "head.fc.$1");
    }
}
