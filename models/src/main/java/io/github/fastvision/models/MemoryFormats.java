package io.github.fastvision.models;

import io.github.fastvision.core.runtime.MemoryFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The memory format each zoo model's inference path runs in: the table {@code
 * default-memory-formats.properties} beside this class, filled from side-by-side measurements
 * ({@code benchmarks.models.MemoryFormatBenchmark}); a model it does not list runs {@link
 * MemoryFormat#CONTIGUOUS}.
 */
public final class MemoryFormats {

    private static final String TABLE = "default-memory-formats.properties";
    private static final Properties DEFAULTS = load();

    private MemoryFormats() {}

    /**
     * Returns a model's default inference memory format.
     *
     * @param model a zoo name (the model's own name, not an alias)
     * @return the format measured faster for it
     */
    public static MemoryFormat defaultFor(String model) {
        String value = DEFAULTS.getProperty(model);
        return value == null ? MemoryFormat.CONTIGUOUS : MemoryFormat.parse(value);
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = MemoryFormats.class.getResourceAsStream(TABLE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TABLE, e);
        }
        for (String name : p.stringPropertyNames()) {
            MemoryFormat.parse(p.getProperty(name));
        }
        return p;
    }
}
