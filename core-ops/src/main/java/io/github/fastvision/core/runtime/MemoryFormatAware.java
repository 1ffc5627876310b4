package io.github.fastvision.core.runtime;

/**
 * A block (a whole model) that converts its input to a memory format before running, so that every
 * operator after it runs in that layout. {@link InferenceMode#enter} sets the block's preferred
 * format; {@link InferenceMode#exit} restores {@link MemoryFormat#CONTIGUOUS}.
 */
public interface MemoryFormatAware {

    /**
     * Returns the format measured fastest for this block's inference path.
     *
     * @return the preferred format
     */
    MemoryFormat preferredMemoryFormat();

    /**
     * Sets the format inference passes convert their input to; training passes ignore it.
     *
     * @param format the format
     */
    void setMemoryFormat(MemoryFormat format);

    /**
     * Returns the format inference passes convert their input to.
     *
     * @return the format in use
     */
    MemoryFormat getMemoryFormat();
}
