package io.github.fastvision.examples.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --seed} option. The default is 42 (training and the studies); a command with another
 * default creates its mixin with {@link #defaultingTo(long)}, which picocli shows in the help as
 * the default because the option has no {@code defaultValue} attribute.
 */
public final class SeedOption {

    @Option(
            names = "--seed",
            description = "Seed (default: ${DEFAULT-VALUE}); the same seed gives the same numbers.")
    private long seed = 42;

    /**
     * Creates the option with the default seed, 42 (picocli calls this for a plain {@code @Mixin}).
     */
    public SeedOption() {}

    private SeedOption(long seed) {
        this.seed = seed;
    }

    /**
     * Creates the option with another default.
     *
     * @param seed the seed used when {@code --seed} is not given
     * @return the mixin, to assign to the command's {@code @Mixin} field
     */
    public static SeedOption defaultingTo(long seed) {
        return new SeedOption(seed);
    }

    /**
     * The seed.
     *
     * @return the given or default seed
     */
    public long seed() {
        return seed;
    }

    /**
     * The seed for APIs that take an {@code int} (DJL's {@code Engine.setRandomSeed}).
     *
     * @return the seed
     * @throws IllegalArgumentException if it does not fit an int
     */
    public int intSeed() {
        if (seed < Integer.MIN_VALUE || seed > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "--seed must be between "
                            + Integer.MIN_VALUE
                            + " and "
                            + Integer.MAX_VALUE
                            + " but was "
                            + seed);
        }
        return (int) seed;
    }
}
