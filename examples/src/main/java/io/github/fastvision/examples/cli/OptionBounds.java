package io.github.fastvision.examples.cli;

/**
 * The ranges the numeric options of {@code predict}, {@code embed} and {@code export} accept, and
 * the one check that refuses a value outside them naming the option, the range and the value.
 */
final class OptionBounds {

    /** Smallest square input side ({@code --image-size}, {@code export --size}). */
    static final int MIN_IMAGE_SIZE = 8;

    /** Largest square input side: 3 × 4096² floats per image still fit an array many times. */
    static final int MAX_IMAGE_SIZE = 4096;

    /** Most images per forward pass ({@code --batch}). */
    static final int MAX_BATCH = 1024;

    /** Most intra-op threads ({@code --threads}). */
    static final int MAX_THREADS = 256;

    /** Most classifier outputs ({@code export --classes}, and so {@code --top}). */
    static final int MAX_CLASSES = 100_000;

    /** The longest Java array the JVM allocates. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private OptionBounds() {}

    /**
     * Refuses a value outside {@code min..max}.
     *
     * @param option the option's name, e.g. {@code --batch}
     * @param value the given value
     * @param min smallest allowed
     * @param max largest allowed
     * @return the value
     * @throws IllegalArgumentException naming the option, the range and the value
     */
    static int check(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    option + " must be in " + min + ".." + max + " but was " + value);
        }
        return value;
    }
}
