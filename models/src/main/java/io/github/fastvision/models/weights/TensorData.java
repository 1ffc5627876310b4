package io.github.fastvision.models.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One checkpoint tensor: element type, shape and contiguous little-endian bytes (row-major).
 *
 * @param dtype element type
 * @param shape dimensions
 * @param data the bytes, exactly numel · element size
 */
public record TensorData(DType dtype, long[] shape, ByteBuffer data) {

    /** Checks that the bytes match the shape. */
    public TensorData {
        long expected = Math.multiplyExact(numel(shape), dtype.size());
        if (data.remaining() != expected) {
            throw new IllegalArgumentException(
                    "tensor of shape "
                            + Arrays.toString(shape)
                            + " and "
                            + dtype
                            + " needs "
                            + expected
                            + " bytes but has "
                            + data.remaining());
        }
        data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Number of elements of a shape.
     *
     * @param shape dimensions
     * @return product of the dimensions
     * @throws IllegalArgumentException if a dimension is negative or the product overflows a long
     */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "negative dimension in shape " + Arrays.toString(shape));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " has more elements than a long", e);
            }
        }
        return n;
    }

    /**
     * Returns the number of elements.
     *
     * @return numel
     */
    public long numel() {
        return numel(shape);
    }

    /**
     * Converts to float32 (float16 and bfloat16 exactly, float64 rounded, integers cast).
     *
     * @return the values
     */
    public float[] toFloats() {
        int n = (int) numel();
        float[] out = new float[n];
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32:
                b.asFloatBuffer().get(out);
                break;
            case F16:
                for (int i = 0; i < n; i++) {
                    out[i] = halfToFloat(b.getShort(2 * i));
                }
                break;
            case BF16:
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16);
                }
                break;
            case F64:
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(8 * i);
                }
                break;
            case I64:
                for (int i = 0; i < n; i++) {
                    out[i] = b.getLong(8 * i);
                }
                break;
            case I32:
                for (int i = 0; i < n; i++) {
                    out[i] = b.getInt(4 * i);
                }
                break;
            case U8:
            case BOOL:
                for (int i = 0; i < n; i++) {
                    out[i] = b.get(i) & 0xff;
                }
                break;
            default:
                throw new AssertionError(dtype);
        }
        return out;
    }

    /**
     * IEEE 754 half precision to float (exact, subnormals and infinities included).
     *
     * @param h the 16 bits
     * @return the value
     */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exp == 0) {
            float v = mantissa * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mantissa << 13));
    }
}
