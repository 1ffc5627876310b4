package io.github.fastvision.models.inference;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.github.fastvision.models.image.DecodedImage;
import io.github.fastvision.models.image.ImagePreprocessor;
import io.github.fastvision.models.runtime.ClassNames;
import java.awt.image.BufferedImage;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * fastvision's {@code Image → Classifications} translator for DJL's {@code Criteria}: the same
 * {@link ImagePreprocessor} as {@link ClassPredictor}, and class names from {@link ClassNames}. The
 * input tensor is created natively in the predictor context's manager and, on PyTorch, filled
 * through its own memory, so unlike DJL's {@code ZooClassificationTranslator} (whose {@code
 * Image.toNDArray} copies each image into a Java direct buffer that only GC frees) a long run does
 * not grow native memory. Stateless and thread-safe.
 */
public final class ZooClassificationTranslator implements Translator<Image, Classifications> {

    private final ImagePreprocessor preprocessor;
    private final ClassNames names;

    /**
     * Creates the translator.
     *
     * @param preprocessor the model's preprocessing
     * @param names one name per class
     */
    public ZooClassificationTranslator(ImagePreprocessor preprocessor, ClassNames names) {
        this.preprocessor = preprocessor;
        this.names = names;
    }

    /**
     * Returns the preprocessing.
     *
     * @return the preprocessor
     */
    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /** {@inheritDoc} */
    @Override
    public NDList processInput(TranslatorContext ctx, Image input) {
        DecodedImage image = decoded(ctx, input);
        int s = preprocessor.size();
        Shape shape = new Shape(preprocessor.channels(), s, s);
        NDManager manager = ctx.getNDManager();
        if (!"PyTorch".equals(manager.getEngine().getEngineName())) {
            // toByteBuffer(true) is a view only on PyTorch tensors; elsewhere it is a copy, and
            // writes through it would leave the input all zeros.
            float[] values = new float[preprocessor.floatsPerImage()];
            preprocessor.apply(image, values, 0);
            return new NDList(manager.create(values, shape));
        }
        NDArray x = manager.create(shape, DataType.FLOAT32);
        preprocessor.apply(
                image, x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer());
        return new NDList(x);
    }

    private static DecodedImage decoded(TranslatorContext ctx, Image input) {
        if (input.getWrappedImage() instanceof BufferedImage bi) {
            return ImageDecoder.fromBufferedImage(bi);
        }
        // Other image factories: their own (H, W, 3) uint8 array, in the context's manager.
        NDArray hwc = input.toNDArray(ctx.getNDManager(), Image.Flag.COLOR);
        int h = (int) hwc.getShape().get(0);
        int w = (int) hwc.getShape().get(1);
        byte[] interleaved = hwc.toByteArray();
        byte[] px = new byte[3 * h * w];
        for (int i = 0; i < h * w; i++) {
            for (int c = 0; c < 3; c++) {
                px[c * h * w + i] = interleaved[i * 3 + c];
            }
        }
        return new DecodedImage(3, h, w, px);
    }

    /** {@inheritDoc} */
    @Override
    public Classifications processOutput(TranslatorContext ctx, NDList list) {
        float[] p = list.singletonOrThrow().softmax(-1).toFloatArray();
        List<Double> probabilities = new ArrayList<>(p.length);
        for (float v : p) {
            probabilities.add((double) v);
        }
        return new Classifications(names.asList(), probabilities);
    }
}
