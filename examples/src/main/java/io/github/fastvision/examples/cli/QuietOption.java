package io.github.fastvision.examples.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --quiet} option of the long-running paper reproductions: no progress output on stderr.
 */
public final class QuietOption {

    @Option(names = "--quiet", description = "No progress bar or progress lines on stderr.")
    private boolean quiet;

    /**
     * Whether {@code --quiet} was given.
     *
     * @return true to print no progress
     */
    public boolean enabled() {
        return quiet;
    }
}
