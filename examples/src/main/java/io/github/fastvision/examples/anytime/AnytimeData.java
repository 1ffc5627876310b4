package io.github.fastvision.examples.anytime;

import io.github.fastvision.examples.data.FashionMnistMosaic;
import io.github.fastvision.training.data.DatasetSplit;

/**
 * The experiment's mosaics: training crops from Fashion-MNIST's training items, larger test mosaics
 * from its test items, and, for a threshold search, validation mosaics of training items that the
 * training mosaics never drew.
 *
 * @param train training mosaics ({@code trainCanvas})
 * @param test test mosaics ({@code testCanvas})
 * @param validation held-out validation mosaics ({@code testCanvas}), or null without a search
 */
public record AnytimeData(
        FashionMnistMosaic train, FashionMnistMosaic test, FashionMnistMosaic validation) {

    /**
     * Builds the mosaics of a configuration.
     *
     * @param data Fashion-MNIST (its own train/test split feeds the mosaics)
     * @param config the settings
     * @return the mosaics
     */
    public static AnytimeData of(DatasetSplit data, AnytimeConfig config) {
        FashionMnistMosaic.Split train =
                FashionMnistMosaic.builder()
                        .setCanvas(config.trainCanvas())
                        .setSeed(config.seed())
                        .optItemScale(config.itemScale())
                        .buildSplit(data, config.trainImages(), 1);
        FashionMnistMosaic.Split test =
                FashionMnistMosaic.builder()
                        .setCanvas(config.testCanvas())
                        .setSeed(config.seed() + 1)
                        .optItemScale(config.itemScale())
                        .buildSplit(data, 1, config.testImages());
        ThresholdSearch search = config.thresholdSearch();
        FashionMnistMosaic validation =
                search == null
                        ? null
                        : FashionMnistMosaic.builder()
                                .setSource(data.train())
                                .setCount(search.validationImages())
                                .setCanvas(config.testCanvas())
                                .setSeed(config.seed())
                                .optItemScale(config.itemScale())
                                .optHeldOutFrom(train.train())
                                .build();
        return new AnytimeData(train.train(), test.test(), validation);
    }
}
