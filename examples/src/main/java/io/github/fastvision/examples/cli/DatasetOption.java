package io.github.fastvision.examples.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --dataset} option, the names {@code Datasets.open} accepts. Training and evaluation
 * require it ({@link DatasetOption}); the paper reproductions default to Fashion-MNIST
 * ({@link Defaulted}). picocli cannot make one option required in one command and optional in
 * another, hence two mixins that share one description.
 */
public final class DatasetOption {

    /** The shared help text. */
    static final String DESCRIPTION =
            "fashion-mnist (Debian's dataset-fashion-mnist, else the bundled subset), fashion-mnist-subset, or an"
                    + " image folder (class per sub-folder).";

    @Option(names = "--dataset", required = true, description = DESCRIPTION)
    private String dataset;

    /**
     * The dataset name or folder.
     *
     * @return what {@code --dataset} named
     */
    public String dataset() {
        return dataset;
    }

    /** The optional form, {@code fashion-mnist} when not given. */
    public static final class Defaulted {

        @Option(names = "--dataset", defaultValue = "fashion-mnist",
                description = DESCRIPTION + " Default: ${DEFAULT-VALUE}.")
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
