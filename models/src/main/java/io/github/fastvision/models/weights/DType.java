package io.github.fastvision.models.weights;

import java.util.Locale;

/** Element types a checkpoint tensor can have. */
public enum DType {
    /** IEEE float32. */
    F32(4),
    /** IEEE float16. */
    F16(2),
    /** bfloat16. */
    BF16(2),
    /** IEEE float64. */
    F64(8),
    /** int64. */
    I64(8),
    /** int32. */
    I32(4),
    /** uint8. */
    U8(1),
    /** bool (one byte). */
    BOOL(1);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /**
     * Returns the element size in bytes.
     *
     * @return bytes per element
     */
    public int size() {
        return size;
    }

    /**
     * Parses a safetensors dtype name ("F32", "BF16", ...).
     *
     * @param name the name
     * @return the type
     */
    public static DType fromSafetensors(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unsupported safetensors dtype " + name, e);
        }
    }

    /**
     * Parses a PyTorch storage class name ("FloatStorage", ...).
     *
     * @param storage the class name
     * @return the type
     */
    public static DType fromTorchStorage(String storage) {
        switch (storage) {
            case "FloatStorage":
                return F32;
            case "HalfStorage":
                return F16;
            case "BFloat16Storage":
                return BF16;
            case "DoubleStorage":
                return F64;
            case "LongStorage":
                return I64;
            case "IntStorage":
                return I32;
            case "ByteStorage":
                return U8;
            case "BoolStorage":
                return BOOL;
            default:
                throw new IllegalArgumentException(
                        "unsupported torch storage type torch." + storage);
        }
    }
}
