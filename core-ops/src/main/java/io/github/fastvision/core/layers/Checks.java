package io.github.fastvision.core.layers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Argument and input validation with messages that name what was expected and what was given. */
public final class Checks {

    private Checks() {}

    /**
     * Fails unless {@code value} is at least {@code min}.
     *
     * @param name the argument name used in the message
     * @param value the value to check
     * @param min the smallest allowed value
     * @return the value
     */
    public static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + " but was " + value);
        }
        return value;
    }

    /**
     * Fails unless {@code value} lies in the half-open interval (lo, hi].
     *
     * @param name the argument name used in the message
     * @param value the value to check
     * @param lo the exclusive lower bound
     * @param hi the inclusive upper bound
     * @return the value
     */
    public static double inHalfOpen(String name, double value, double lo, double hi) {
        if (!(value > lo && value <= hi)) {
            throw new IllegalArgumentException(
                    name + " must be in (" + lo + ", " + hi + "] but was " + value);
        }
        return value;
    }

    /**
     * Fails unless {@code value} lies in the closed interval [lo, hi].
     *
     * @param name the argument name used in the message
     * @param value the value to check
     * @param lo the inclusive lower bound
     * @param hi the inclusive upper bound
     * @return the value
     */
    public static double inClosed(String name, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(
                    name + " must be in [" + lo + ", " + hi + "] but was " + value);
        }
        return value;
    }

    /**
     * Fails unless the kernel size is odd and positive, as same-padding operators need.
     *
     * @param name the argument name used in the message
     * @param kernel the kernel size
     * @return the kernel size
     */
    public static int oddKernel(String name, int kernel) {
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException(
                    name + " must be an odd positive kernel size (same padding) but was " + kernel);
        }
        return kernel;
    }

    /**
     * Fails unless {@code value} is divisible by {@code divisor}.
     *
     * @param name the argument name used in the message
     * @param value the value to check
     * @param divisor the required divisor
     * @param divisorName what the divisor is, for the message
     * @return the value
     */
    public static int divisible(String name, int value, int divisor, String divisorName) {
        if (divisor <= 0 || value % divisor != 0) {
            throw new IllegalArgumentException(
                    name
                            + " ("
                            + value
                            + ") must be divisible by "
                            + divisorName
                            + " ("
                            + divisor
                            + ")");
        }
        return value;
    }

    /**
     * Fails with a message naming the operator unless a required builder value was set.
     *
     * @param op the operator name
     * @param name the argument name
     * @param value the value, or a non-positive number when unset
     * @return the value
     */
    public static int required(String op, String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(
                    op + ": " + name + " is required and must be positive but was " + value);
        }
        return value;
    }

    /**
     * Checks an NCHW feature map with the given number of channels.
     *
     * @param op the operator name for the message
     * @param x the input
     * @param channels the expected channel count
     */
    public static void nchw(String op, NDArray x, long channels) {
        nchw(op, x.getShape(), channels);
    }

    /**
     * Checks an NCHW shape with the given number of channels.
     *
     * @param op the operator name for the message
     * @param shape the input shape
     * @param channels the expected channel count
     */
    public static void nchw(String op, Shape shape, long channels) {
        if (shape.dimension() != 4 || shape.get(1) != channels) {
            throw new IllegalArgumentException(
                    op + " expects input of shape (N, " + channels + ", H, W) but got " + shape);
        }
    }

    /**
     * Checks a token sequence (N, L, C) with the given embedding width.
     *
     * @param op the operator name for the message
     * @param shape the input shape
     * @param dim the expected embedding width
     */
    public static void tokens(String op, Shape shape, long dim) {
        if (shape.dimension() != 3 || shape.get(2) != dim) {
            throw new IllegalArgumentException(
                    op + " expects tokens of shape (N, L, " + dim + ") but got " + shape);
        }
    }

    /**
     * Output size of a convolution or pooling window along one axis.
     *
     * @param size the input size
     * @param kernel the window size
     * @param stride the stride
     * @param padding the padding on each side
     * @return the output size
     */
    public static long windowOut(long size, int kernel, int stride, int padding) {
        return (size + 2L * padding - kernel) / stride + 1;
    }

    /**
     * Output shape of a square k×k window (convolution or pooling) on an NCHW shape.
     *
     * @param in (N, C, H, W)
     * @param channels output channels
     * @param kernel the window size
     * @param stride the stride
     * @param padding the padding on each side
     * @return (N, channels, Ho, Wo)
     */
    public static Shape windowShape(Shape in, long channels, int kernel, int stride, int padding) {
        return new Shape(
                in.get(0),
                channels,
                windowOut(in.get(2), kernel, stride, padding),
                windowOut(in.get(3), kernel, stride, padding));
    }
}
