package io.github.fastvision.core.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Float views on native (libtorch CPU) tensor memory for the Java kernels: {@code
 * toByteBuffer(true)} returns a direct buffer on a contiguous tensor's own storage, so reads and
 * writes need no JNI code and no copy (a non-contiguous tensor is copied by DJL first). Kernels
 * copy what their inner loops read into {@code float[]} scratch, because C2 vectorises loops over
 * Java arrays but not over buffer accesses (and, in JDK 17, only loops that index every array at
 * the same offset: see {@code DeformablePoolKernel}).
 */
public final class NativeFloats {

    private NativeFloats() {}

    /**
     * Returns a float view on a float32 CPU tensor's memory; writes change the tensor.
     *
     * @param array a float32 tensor
     * @return a view with position 0 at the first element, in row-major order
     * @throws IllegalArgumentException if the tensor is not float32
     */
    public static FloatBuffer view(NDArray array) {
        if (array.getDataType() != DataType.FLOAT32) {
            throw new IllegalArgumentException(
                    "NativeFloats needs a float32 tensor but got " + array.getDataType());
        }
        return array.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Copies a float32 tensor into {@code dst} (row-major), reusing it when large enough.
     *
     * @param array a float32 tensor
     * @param dst scratch to reuse, or null
     * @return {@code dst}, or a new array when {@code dst} was too small
     */
    public static float[] read(NDArray array, float[] dst) {
        FloatBuffer view = view(array);
        int size = Math.toIntExact(array.size());
        float[] out = dst != null && dst.length >= size ? dst : new float[size];
        view.get(0, out, 0, size);
        return out;
    }

    /**
     * Returns an uninitialised float32 tensor of {@code shape} on {@code like}'s manager
     * (libtorch's {@code empty}: no fill pass), for a kernel that overwrites every element.
     *
     * @param like supplies the manager
     * @param shape the shape
     * @return a new contiguous tensor
     */
    public static NDArray create(NDArray like, Shape shape) {
        return like.getManager().create(shape, DataType.FLOAT32);
    }

    /**
     * Thread-local scratch that grows to the largest size asked for and is then reused, so that a
     * kernel allocates nothing per call once warm.
     */
    public static final class Scratch {
        private final ThreadLocal<float[]> local = new ThreadLocal<>();

        /**
         * Returns an array of at least {@code size} floats for the calling thread (contents
         * undefined).
         *
         * @param size floats needed
         * @return the thread's scratch
         */
        public float[] get(int size) {
            float[] a = local.get();
            if (a == null || a.length < size) {
                a = new float[size];
                local.set(a);
            }
            return a;
        }
    }
}
