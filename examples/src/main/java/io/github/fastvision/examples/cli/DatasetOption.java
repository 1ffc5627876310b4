package io.github.fastvision.examples.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --dataset} option, the names {@code Datasets.open} accepts. Training and evaluation
 * require it ({@link DatasetOption}); the paper reproductions default to Fashion-MNIST ({@link
 * Defaulted}). picocli cannot make one option required in one command and optional in another,
 * hence two mixins that share the Fashion-MNIST part of their description.
 */
public final class DatasetOption {

    /** The help text both forms start with. */
    private static final String FASHION_MNIST =
            "fashion-mnist (Debian's dataset-fashion-mnist, else the bundled subset)";

    @Option(
            names = "--dataset",
            required = true,
            description =
                    FASHION_MNIST
                            + ", fashion-mnist-subset, or an image folder (class per sub-folder).")
    private String dataset;

    /**
     * The dataset name or folder.
     *
     * @return what {@code --dataset} named
     */
    public String dataset() {
        return dataset;
    }

    /**
     * The optional form of the paper reproductions (Fashion-MNIST only), {@code fashion-mnist} when
     * not given.
     */
    public static final class Defaulted {

        @Option(
                names = "--dataset",
                defaultValue = "fashion-mnist",
                description =
                        FASHION_MNIST + " or fashion-mnist-subset (default: ${DEFAULT-VALUE}).")
        private String dataset;

        /**
         * The dataset name or folder.
         *
         * @return what {@code --dataset} named, or fashion-mnist
         */
        public String dataset() {
            return dataset;
        }
    }
}
