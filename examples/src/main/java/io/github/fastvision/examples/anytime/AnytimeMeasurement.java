package io.github.fastvision.examples.anytime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.fastvision.core.anytime.SpatialMask;
import io.github.fastvision.core.layers.Autograd;
import io.github.fastvision.examples.data.FashionMnistMosaic;
import io.github.fastvision.models.anytime.AnytimeSegmenter;
import io.github.fastvision.models.heads.ExitHead;
import io.github.fastvision.training.metrics.SegmentationMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures a trained anytime model exit by exit on mosaics: mIoU, multiply-adds with masks applied,
 * wall time up to each exit and the share of positions still computed. The first batch runs once
 * uncounted, to warm up kernels and caches; that pass also feeds the figure, so collecting masks
 * stays out of the timing.
 */
final class AnytimeMeasurement {

    private final AnytimeSegmenter model;
    private final NDManager manager;
    private final FashionMnistMosaic images;
    private final int evalBatch;
    private final int n;
    private final List<SegmentationMetrics> metrics = new ArrayList<>();
    private final long[] macs;
    private final double[] wallNs;
    private final double[] computed;
    private long counted;

    private AnytimeMeasurement(
            AnytimeSegmenter model, NDManager manager, FashionMnistMosaic images, int evalBatch) {
        this.model = model;
        this.manager = manager;
        this.images = images;
        this.evalBatch = evalBatch;
        this.n = model.numExits();
        for (int i = 0; i < n; i++) {
            metrics.add(new SegmentationMetrics(images.numClasses()));
        }
        this.macs = new long[n];
        this.wallNs = new double[n];
        this.computed = new double[n];
    }

    /**
     * Measures every exit.
     *
     * @param model the model
     * @param manager its manager
     * @param images the mosaics, a multiple of {@code evalBatch}
     * @param config the settings (inference batch, sparse density)
     * @param figure where to write ADP-C's exit figure of the first image, or null
     * @param threshold the inference threshold
     * @return per-exit results
     * @throws IOException if the figure cannot be written
     */
    static List<ExitResult> measure(
            AnytimeSegmenter model,
            NDManager manager,
            FashionMnistMosaic images,
            AnytimeConfig config,
            Path figure,
            float threshold)
            throws IOException {
        model.setMaxSparseDensity(config.maxSparseDensity());
        AnytimeMeasurement m = new AnytimeMeasurement(model, manager, images, config.evalBatch());
        boolean recording = Autograd.isRecording();
        Autograd.setRecording(false);
        try {
            ParameterStore ps = new ParameterStore(manager, false);
            int batches = images.size() / config.evalBatch();
            for (int b = -1; b < batches; b++) {
                m.batch(ps, b, threshold, b < 0 ? figure : null);
            }
        } finally {
            Autograd.setRecording(recording);
        }
        return m.results();
    }

    /** Runs batch {@code b}; batch -1 is the uncounted warm-up of batch 0. */
    private void batch(ParameterStore ps, int b, float threshold, Path figure) throws IOException {
        boolean warmUp = b < 0;
        int from = Math.max(b, 0) * evalBatch;
        try (NDManager sub = manager.newSubManager()) {
            NDArray[] xy = images.batch(sub, from, from + evalBatch);
            long t0 = System.nanoTime();
            List<NDArray> outs = new ArrayList<>();
            List<NDArray> masks = new ArrayList<>();
            long[] ends = new long[n];
            try (AnytimeSegmenter.Pass pass = model.begin(ps, xy[0], false, true, threshold)) {
                int i = 0;
                while (pass.hasNext()) {
                    AnytimeSegmenter.ExitOutput o = pass.next();
                    o.logits().getFloat(0, 0, 0, 0); // wait for the exit's result
                    ends[i] = System.nanoTime() - t0;
                    outs.add(o.logits());
                    if (warmUp) {
                        SpatialMask mask = pass.currentMask();
                        masks.add(mask == null ? null : mask.base().compute().duplicate());
                    } else {
                        macs[i] += o.macs();
                        computed[i] += o.computedFraction() * evalBatch;
                    }
                    i++;
                }
                if (figure != null) {
                    // Inside the pass: the masks' arrays are released when it closes.
                    writeFigure(figure, images, outs, masks);
                }
            }
            if (!warmUp) {
                count(xy[1], outs, ends);
            }
        }
    }

    private void count(NDArray labels, List<NDArray> outs, long[] ends) {
        Shape ls = labels.getShape();
        for (int k = 0; k < n; k++) {
            wallNs[k] += ends[k];
            NDArray pred = ExitHead.resize(outs.get(k), ls.get(1), ls.get(2)).argMax(1);
            metrics.get(k).update(pred, labels);
        }
        counted += evalBatch;
    }

    private List<ExitResult> results() {
        List<ExitResult> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(
                    new ExitResult(
                            metrics.get(k).meanIoU(),
                            macs[k] / 1e9 / counted,
                            wallNs[k] / 1e6 / counted,
                            100 * computed[k] / counted));
        }
        return out;
    }

    /** Fig. 2.4: the first image's predictions, confidences and computed positions per exit. */
    private static void writeFigure(
            Path png, FashionMnistMosaic test, List<NDArray> outs, List<NDArray> masks)
            throws IOException {
        NDArray first = outs.get(0);
        int h = (int) first.getShape().get(2);
        int w = (int) first.getShape().get(3);
        int canvas = test.canvas();
        int step = canvas / h;
        float[] image = new float[canvas * canvas];
        int[] labels = new int[canvas * canvas];
        test.image(0, image);
        test.labels(0, labels);
        float[] small = new float[h * w];
        int[] gt = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                small[y * w + x] = image[(y * step + step / 2) * canvas + x * step + step / 2];
                gt[y * w + x] = labels[(y * step + step / 2) * canvas + x * step + step / 2];
            }
        }
        List<int[]> preds = new ArrayList<>();
        List<float[]> confs = new ArrayList<>();
        List<boolean[]> computed = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) {
            NDArray logits = outs.get(k).get("0:1");
            preds.add(logits.argMax(1).toType(DataType.INT32, false).toIntArray());
            confs.add(logits.softmax(1).max(new int[] {1}).toFloatArray());
            boolean[] c = new boolean[h * w];
            NDArray m = k == 0 ? null : masks.get(k - 1);
            float[] mv = m == null ? null : m.get("0:1").toFloatArray();
            for (int p = 0; p < c.length; p++) {
                c[p] = mv == null || mv[p] > 0.5f;
            }
            computed.add(c);
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        AnytimeFigure.builder()
                .setImage(small, h)
                .setGroundTruth(gt)
                .setPredictions(preds)
                .setConfidence(confs)
                .setComputed(computed)
                .setClassNames(test.classes())
                .optScale(Math.max(1, 256 / h))
                .write(png);
    }
}
