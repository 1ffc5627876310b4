package io.github.fastvision.benchmarks.report;

/**
 * One measured workload.
 *
 * @param name operator name (conv3x3, …) or zoo model name
 * @param variant execution variant where a suite compares them (split_cat, slicing), or null
 * @param engine the engine that ran it: {@code OnnxRuntime} for the onnxruntime variants, else
 *     {@code PyTorch}
 * @param precision {@code int8} for the int8 variants, else {@code fp32}
 * @param input input C, H, W
 * @param batch batch size
 * @param latencyMs mean time per forward pass
 * @param throughput images per second
 * @param flops multiply-adds per image
 * @param flopsPerS achieved multiply-adds per second
 */
public record BenchRow(
        String name,
        String variant,
        String engine,
        String precision,
        long[] input,
        int batch,
        double latencyMs,
        double throughput,
        long flops,
        double flopsPerS) {

    /**
     * Builds a row from a measured time.
     *
     * @param name the workload
     * @param variant the variant or null
     * @param input C, H, W
     * @param batch batch size
     * @param ms mean time per call
     * @param macs multiply-adds per image
     * @return the row
     */
    public static BenchRow of(
            String name, String variant, long[] input, int batch, double ms, long macs) {
        double seconds = ms / 1000.0;
        return new BenchRow(
                name,
                variant,
                variant != null && variant.startsWith("onnxruntime") ? "OnnxRuntime" : "PyTorch",
                variant != null && variant.endsWith("int8") ? "int8" : "fp32",
                input,
                batch,
                ms,
                batch / seconds,
                macs,
                macs * (double) batch / seconds);
    }
}
