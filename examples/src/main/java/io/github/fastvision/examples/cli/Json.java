package io.github.fastvision.examples.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.PrintWriter;

/** Writes the single JSON document a {@code --json} run prints on stdout. */
public final class Json {

    private static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

    private Json() {}

    /**
     * Prints one JSON document.
     *
     * @param out the command's stdout
     * @param document a record, map or list
     */
    public static void print(PrintWriter out, Object document) {
        out.println(GSON.toJson(document));
        out.flush();
    }
}
