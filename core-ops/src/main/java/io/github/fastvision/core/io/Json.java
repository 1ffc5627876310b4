package io.github.fastvision.core.io;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;

/**
 * The one JSON set-up of the project: records and maps serialise with snake_case keys from
 * camelCase Java names ({@code latencyMs} → {@code "latency_ms"}), pretty-printed, without HTML
 * escaping, with NaN and infinities allowed (a diverged metric stays visible). Every JSON document
 * fastvision writes or reads goes through this class.
 */
public final class Json {

    private static final Gson GSON =
            new GsonBuilder()
                    .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                    .setPrettyPrinting()
                    .disableHtmlEscaping()
                    .serializeSpecialFloatingPointValues()
                    .create();

    private Json() {}

    /**
     * Returns the shared instance, for callers that need Gson's streaming API.
     *
     * @return the configured Gson
     */
    public static Gson gson() {
        return GSON;
    }

    /**
     * Serialises a value.
     *
     * @param value a record, map, list or primitive
     * @return the pretty-printed document
     */
    public static String toJson(Object value) {
        return GSON.toJson(value);
    }

    /**
     * Parses a document into a type.
     *
     * @param json the document
     * @param type the target type
     * @param <T> the type
     * @return the value
     */
    public static <T> T fromJson(String json, Class<T> type) {
        return GSON.fromJson(json, type);
    }

    /**
     * Parses a document into a tree.
     *
     * @param json the document
     * @return the tree
     */
    public static JsonElement parse(String json) {
        return GSON.fromJson(json, JsonElement.class);
    }
}
