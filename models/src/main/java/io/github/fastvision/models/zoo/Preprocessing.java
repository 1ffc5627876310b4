package io.github.fastvision.models.zoo;

import ai.djl.modality.cv.transform.CenterCrop;
import ai.djl.modality.cv.transform.Normalize;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.transform.ResizeShort;
import ai.djl.modality.cv.transform.ToTensor;
import ai.djl.modality.cv.translator.ImageClassificationTranslator;
import io.github.fastvision.models.ModelOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * A family's evaluation preprocessing as its reference code defines it: resize the short side to
 * size / cropPct, center-crop to size, scale to [0, 1], normalize per channel.
 *
 * @param cropPct crop fraction (0.875 for the CNNs, 0.9 for timm's ViT/PiT)
 * @param mean per-channel mean
 * @param std per-channel standard deviation
 */
public record Preprocessing(float cropPct, float[] mean, float[] std) {

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    /**
     * Returns the preprocessing of a family.
     *
     * @param family the registry family name
     * @return the preprocessing
     */
    public static Preprocessing forFamily(String family) {
        if ("ViT".equals(family) || "PiT".equals(family)) {
            return new Preprocessing(0.9f, IMAGENET_MEAN, IMAGENET_STD);
        }
        return new Preprocessing(0.875f, IMAGENET_MEAN, IMAGENET_STD);
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
                .addTransform(new ResizeShort((int) Math.floor(size / cropPct), -1, Image.Interpolation.BICUBIC))
                .addTransform(new CenterCrop(size, size))
                .addTransform(new ToTensor())
                .addTransform(new Normalize(m, s))
                .optSynset(synset)
                .optApplySoftmax(true)
                .build();
    }
}
