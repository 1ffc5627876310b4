package io.github.fastvision.models;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.transform.CenterCrop;
import ai.djl.modality.cv.transform.Normalize;
import ai.djl.modality.cv.transform.ResizeShort;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.modality.cv.translator.ImageClassificationTranslator;
import java.util.ArrayList;
import java.util.List;

/**
 * A family's evaluation preprocessing as its reference code defines it: resize the short side to
 * size / cropPct with {@code interpolation}, center-crop to size, scale to [0, 1], normalize per
 * channel. The size and channel count come from the model's {@link ModelOptions}.
 *
 * @param cropPct crop fraction (0.875 for the CNNs, 0.9 for timm's ViT/PiT)
 * @param interpolation resize interpolation
 * @param mean per-channel mean
 * @param std per-channel standard deviation
 */
public record Preprocessing(
        float cropPct, Image.Interpolation interpolation, float[] mean, float[] std) {

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /**
     * ImageNet statistics and bicubic resizing with a family's crop fraction.
     *
     * @param cropPct crop fraction in (0, 1]
     * @return the preprocessing
     */
    public static Preprocessing imagenet(float cropPct) {
        if (!(cropPct > 0f && cropPct <= 1f)) {
            throw new IllegalArgumentException("cropPct must be in (0, 1] but was " + cropPct);
        }
        return new Preprocessing(cropPct, Image.Interpolation.BICUBIC, IMAGENET_MEAN, IMAGENET_STD);
    }

    /**
     * Builds an image-classification translator for a model's options.
     *
     * @param options the model options (input size, channels, classes)
     * @return the translator
     */
    public ImageClassificationTranslator translator(ModelOptions options) {
        int size = options.inputSize();
        List<String> synset = new ArrayList<>();
        for (int i = 0; i < Math.max(1, options.numClasses()); i++) {
            synset.add("class_" + i);
        }
        float[] m = options.inChannels() == mean.length ? mean : new float[] {mean[0]};
        float[] s = options.inChannels() == std.length ? std : new float[] {std[0]};
        return ImageClassificationTranslator.builder()
                .addTransform(new ResizeShort((int) Math.floor(size / cropPct), -1, interpolation))
                .addTransform(new CenterCrop(size, size))
                .addTransform(new ToTensor())
                .addTransform(new Normalize(m, s))
                .optSynset(synset)
                .optApplySoftmax(true)
                .build();
    }
}
