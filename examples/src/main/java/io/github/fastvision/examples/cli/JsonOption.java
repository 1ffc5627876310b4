package io.github.fastvision.examples.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --json} option every command shares: print exactly one JSON document on stdout
 * (through {@link JsonOutput#print}) instead of text; logs stay on stderr.
 */
public final class JsonOption {

    @Option(names = "--json", description = "Print one JSON document on stdout.")
    private boolean json;

    /**
     * Whether {@code --json} was given.
     *
     * @return true for one JSON document on stdout
     */
    public boolean enabled() {
        return json;
    }
}
