package io.github.fastvision.benchmarks.suite;

import io.github.fastvision.benchmarks.report.BenchReport;
import io.github.fastvision.benchmarks.report.BenchRow;
import io.github.fastvision.benchmarks.workload.Workloads;
import io.github.fastvision.core.io.AtomicFiles;
import io.github.fastvision.models.io.WeightsFile;
import io.github.fastvision.onnx.quantize.QuantizationMethod;
import io.github.fastvision.onnx.quantize.ZooQuantizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Zoo models in int8 on ONNX Runtime: each model is quantized on the fly from its random
 * initialization (the same seed as the fp32 rows, so both run the same weights) through {@link
 * ZooQuantizer}, calibrated with MinMax on a few generated images at the model's input size, and
 * its int8 model measured as the fp32 exports are ({@link OnnxRuntimeRows}), as rows named after
 * the zoo model with the variant {@value #VARIANT}. A model that cannot be quantized gets a finding
 * instead of a row.
 */
final class OnnxRuntimeInt8Rows implements EngineRows {

    /** The variant of the int8 rows. */
    static final String VARIANT = OnnxRuntimeRows.ONNX_RUNTIME + " int8";

    /** Calibration images per model. */
    static final int SAMPLES = 8;

    @Override
    public List<BenchRow> measure(
            BenchSettings s, List<String> models, List<BenchReport.Finding> refused) {
        List<String> zoo =
                models.stream()
                        .filter(m -> !m.startsWith("djl_") && Workloads.weightsFile(m).isEmpty())
                        .toList();
        List<BenchRow> rows = new ArrayList<>();
        Path work;
        try {
            work = Files.createTempDirectory("fastvision-int8-bench");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
        try {
            for (String model : zoo) {
                Path weights;
                try {
                    weights = quantize(model, work);
                } catch (IOException | RuntimeException e) {
                    refused.add(
                            new BenchReport.Finding(
                                    "int8 row of " + model + " refused: " + e.getMessage(),
                                    Double.NaN,
                                    "quantized by ZooQuantizer (MinMax)",
                                    false));
                    continue;
                }
                for (BenchRow r :
                        OnnxRuntimeRows.measure(
                                s,
                                List.of(Workloads.WEIGHTS + weights),
                                s.batches(),
                                OnnxRuntimeRows.ONNX_RUNTIME,
                                refused)) {
                    rows.add(
                            BenchRow.of(
                                    model,
                                    r.variant(),
                                    r.input(),
                                    r.batch(),
                                    r.latencyMs(),
                                    r.flops()));
                }
            }
        } finally {
            try {
                AtomicFiles.deleteTree(work);
            } catch (IOException e) {
                // A leftover temporary directory does not change the measurements.
            }
        }
        return rows;
    }

    /**
     * Quantizes a zoo model's random initialization into a directory of its own.
     *
     * @return the fp32 weights file the int8 model lies beside
     */
    private static Path quantize(String model, Path work) throws IOException {
        int size = Math.toIntExact(Workloads.inputChw(model)[1]);
        Path images = work.resolve(model + "-calibration");
        writeImages(images, size, SAMPLES);
        Path out = work.resolve(model);
        ZooQuantizer.Report report =
                ZooQuantizer.quantize(
                        model, null, images, SAMPLES, QuantizationMethod.MINMAX, true, out);
        return out.resolve(report.model() + WeightsFile.EXTENSION);
    }

    /**
     * Writes images of smooth colour gradients with noise, a different one per image, so that
     * activations span realistic ranges (a constant image would calibrate every range to a point).
     *
     * @param dir the directory to create
     * @param size width and height
     * @param count how many
     * @throws IOException when a file cannot be written
     */
    static void writeImages(Path dir, int size, int count) throws IOException {
        Files.createDirectories(dir);
        Random random = new Random(0);
        for (int n = 0; n < count; n++) {
            BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            double[] f = new double[6];
            for (int i = 0; i < f.length; i++) {
                f[i] = 0.5 + 6 * random.nextDouble();
            }
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double u = (double) x / size;
                    double v = (double) y / size;
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        double wave = Math.sin(f[2 * c] * u * Math.PI + f[2 * c + 1] * v * 2);
                        int level = (int) (128 + 90 * wave + 30 * random.nextGaussian());
                        rgb = (rgb << 8) | Math.max(0, Math.min(255, level));
                    }
                    image.setRGB(x, y, rgb);
                }
            }
            Path file = dir.resolve(String.format("calibration_%02d.png", n));
            AtomicFiles.write(file, out -> ImageIO.write(image, "png", out));
        }
    }
}
