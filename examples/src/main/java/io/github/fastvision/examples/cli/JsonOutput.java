package io.github.fastvision.examples.cli;

import java.io.PrintWriter;

/**
 * Writes the single JSON document a {@code --json} run prints on stdout, through the project's one
 * JSON set-up ({@link io.github.fastvision.core.io.Json}: snake_case keys from camelCase names).
 */
public final class JsonOutput {

    private JsonOutput() {}

    /**
     * Prints one JSON document.
     *
     * @param out the command's stdout
     * @param document a record, map or list
     */
    public static void print(PrintWriter out, Object document) {
        out.print(text(document));
        out.flush();
    }

    /**
     * Renders one JSON document as {@link #print} prints it, for commands that also write it to a
     * file.
     *
     * @param document a record, map or list
     * @return the document and a line separator
     */
    public static String text(Object document) {
        return io.github.fastvision.core.io.Json.toJson(document) + System.lineSeparator();
    }
}
