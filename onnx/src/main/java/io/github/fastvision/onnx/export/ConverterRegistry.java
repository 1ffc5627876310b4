package io.github.fastvision.onnx.export;

import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The converters by block type. Lookup is by exact class: a subclass may change the forward pass,
 * so it needs its own converter rather than inheriting its parent's (an unknown type refuses the
 * export with its path).
 */
public final class ConverterRegistry {

    private final Map<Class<?>, BlockConverter> converters = new LinkedHashMap<>();

    private ConverterRegistry() {}

    /**
     * Returns a registry with the converters of every block of the zoo's classifiers.
     *
     * @return a new registry, open to more registrations
     */
    public static ConverterRegistry defaults() {
        ConverterRegistry r = new ConverterRegistry();
        LayerConverters.register(r);
        OperatorConverters.register(r);
        ModelConverters.register(r);
        CifarConverters.register(r);
        return r;
    }

    /**
     * Returns an empty registry.
     *
     * @return a registry without converters
     */
    public static ConverterRegistry empty() {
        return new ConverterRegistry();
    }

    /**
     * Registers (or replaces) the converter of a block type.
     *
     * @param type the exact block class
     * @param converter its converter
     * @return this registry
     */
    public ConverterRegistry register(Class<? extends Block> type, BlockConverter converter) {
        converters.put(type, converter);
        return this;
    }

    /**
     * Removes the converter of a block type, so that exporting it is refused.
     *
     * @param type the exact block class
     * @return this registry
     */
    public ConverterRegistry remove(Class<? extends Block> type) {
        converters.remove(type);
        return this;
    }

    /**
     * Returns the converter of a block's exact type.
     *
     * @param block the block
     * @return its converter, or null when none is registered
     */
    public BlockConverter find(Block block) {
        return converters.get(block.getClass());
    }

    /**
     * Returns the block types with a converter.
     *
     * @return the types
     */
    public Set<Class<?>> types() {
        return converters.keySet();
    }
}
