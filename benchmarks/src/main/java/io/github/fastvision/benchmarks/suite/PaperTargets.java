package io.github.fastvision.benchmarks.suite;

import java.util.List;
import java.util.Map;

/**
 * The papers' claims and the project's goals that the suites' findings are compared with, as data:
 * a claim changes here, not in the code that measures it.
 */
public final class PaperTargets {

    /**
     * One latency ratio at batch 1 on PyTorch.
     *
     * @param numerator the model whose latency is divided
     * @param denominator the model it is divided by
     * @param target the bound, or null to report the ratio without one
     */
    public record LatencyRatio(String numerator, String denominator, Target target) {}

    /** fasternet Table 1: PConv's achieved FLOPS over DWConv's, mean over the feature maps. */
    public static final Target PCONV_OVER_DWCONV_FLOPS = Target.atLeast(6, "paper 7.5 on CPU");

    /** A 3×3 convolution should reach half of the matmul peak. */
    public static final Target CONV_SHARE_OF_PEAK = Target.atLeast(0.5, null);

    /** The default engine should be no slower than ONNX Runtime on fastvision's own export. */
    public static final Target PYTORCH_OVER_ONNX_RUNTIME =
            Target.atMost(1, "no slower than ONNX Runtime");

    /** A pruned model should gain at least this share of its FLOPs ratio in speed. */
    public static final double PRUNED_SHARE_OF_FLOPS_RATIO = 0.8;

    /** fasternet Fig. 2 / Table 3 and pflayer Tables 2–4, 6 on CPU: latency ratios at batch 1. */
    public static final List<LatencyRatio> LATENCY_RATIOS =
            List.of(
                    new LatencyRatio(
                            "fasternet_t0", "djl_mobilenetv2", Target.atMost(0.65, "paper 1/1.6")),
                    new LatencyRatio("resnet50", "fasternet_t0", Target.atLeast(7, "paper 8.5")),
                    new LatencyRatio("resnet50", "djl_resnetv1_50", Target.atMost(0.9, null)),
                    new LatencyRatio(
                            "resnet50_hybrid",
                            "resnet50",
                            Target.atMost(0.88, "paper -12% on CPU")),
                    new LatencyRatio(
                            "resnet50_deform_max", "resnet50_hybrid", Target.atMost(1.5, null)),
                    new LatencyRatio("resnet50_max", "resnet50", null),
                    new LatencyRatio("vit_small_maxpool", "vit_small", null),
                    new LatencyRatio("vit_small_dwconv", "vit_small", null));

    /**
     * One share of the int8 peak.
     *
     * @param model the zoo model
     * @param batch the batch size
     * @param target the bound
     */
    public record PeakShareTarget(String model, int batch, Target target) {}

    /**
     * The "INT8 from Java" goals: an int8 model's speed-up over the fp32 export of the same model
     * on ONNX Runtime, by batch size (no target at other batches).
     */
    public static final Map<Integer, Target> INT8_SPEEDUPS =
            Map.of(
                    1, Target.atLeast(1.7, "int8 goal at batch 1"),
                    32, Target.atLeast(2, "int8 goal at batch 32"));

    /** The geometric mean of the int8 speed-ups over the models measured, at each batch. */
    public static final Target INT8_SPEEDUP_GEOMEAN =
            Target.atLeast(2.5, "int8 goal, geometric mean");

    /** Shares of the int8 matmul peak (Int8PeakBenchmark) that int8 models should reach. */
    public static final List<PeakShareTarget> INT8_PEAK_SHARES =
            List.of(new PeakShareTarget("resnet50", 32, Target.atLeast(0.6, "int8 goal")));

    /**
     * The target of an int8 speed-up at a batch size.
     *
     * @param batch the batch size
     * @return the target, or null where there is none
     */
    public static Target int8SpeedUp(int batch) {
        return INT8_SPEEDUPS.get(batch);
    }

    private PaperTargets() {}
}
